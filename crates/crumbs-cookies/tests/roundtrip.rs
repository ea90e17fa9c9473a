//! Any Unicode name and value survives encode → cookie string → parse → decode.
#![cfg(not(target_arch = "wasm32"))]

use crumbs_cookies::{decode, encode_name, encode_value, parse, CookieJar, MemoryJar};
use proptest::prelude::*;

proptest! {
    #[test]
    fn any_name_and_value_round_trip(name in "\\PC{1,40}", value in "\\PC{0,80}") {
        let cookie_string = format!("{}={}", encode_name(&name), encode_value(&value));
        let parsed = parse(&cookie_string);
        prop_assert_eq!(parsed.len(), 1);
        prop_assert_eq!(&parsed[0].name, &name);
        prop_assert_eq!(&parsed[0].value, &value);
    }

    #[test]
    fn any_string_including_controls_round_trips(text in any::<String>()) {
        prop_assert_eq!(decode(&encode_value(&text)), text.clone());
        prop_assert_eq!(decode(&encode_name(&text)), text);
    }

    #[test]
    fn through_a_jar_among_other_cookies(name in "\\PC{1,20}", value in "\\PC{0,40}") {
        let jar = MemoryJar::localhost();
        jar.set("before", "1").unwrap();
        jar.set(&name, &value).unwrap();
        jar.set("after", "2").unwrap();
        prop_assert_eq!(jar.get(&name).unwrap(), Some(if name == "before" { "1".to_owned() } else if name == "after" { "2".to_owned() } else { value }));
    }

    #[test]
    fn parsing_never_panics(input in any::<String>()) {
        let _ = parse(&input);
    }
}
