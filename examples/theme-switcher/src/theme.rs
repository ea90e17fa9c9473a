//! The theme and the cookie that keeps it.

use crumbs_cookies::clock::Millis;
use crumbs_cookies::{CookieOptions, SameSite};

/// The cookie that holds the choice. Every component reads this one name.
pub const THEME_COOKIE: &str = "theme";

/// A year, in the unit `CookieOptions::max_age` takes (milliseconds, the crate's one
/// time type). The host test below checks the `Max-Age` actually written, so a change of
/// that unit cannot shorten the cookie's life unnoticed.
const A_YEAR: Millis = 365 * 24 * 60 * 60 * 1000;

/// How the theme cookie is written: kept for a year across browser restarts (without a
/// lifetime it would be forgotten when the browser closes), `Path=/` so every page of the
/// site sees it, and `SameSite=Lax` since no other site needs it.
pub fn theme_options() -> CookieOptions {
    CookieOptions::new()
        .max_age(A_YEAR)
        .same_site(SameSite::Lax)
}

/// The two themes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Theme {
    /// The default, also when the cookie holds something else.
    #[default]
    Light,
    /// Light text on a dark background.
    Dark,
}

impl Theme {
    /// Both themes, in the order the picker offers them.
    pub const ALL: [Theme; 2] = [Theme::Light, Theme::Dark];

    /// The theme a cookie value names. No cookie, or a value nobody here wrote (devtools,
    /// an older version), is the default theme rather than an error: a page must never
    /// fail to render over a preference.
    pub fn from_cookie(value: Option<&str>) -> Self {
        match value {
            Some("dark") => Theme::Dark,
            _ => Theme::Light,
        }
    }

    /// The cookie value, also used as the `data-theme` the style sheet matches.
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// The name shown to people (and so the accessible name of the picker's choice).
    pub fn label(self) -> &'static str {
        match self {
            Theme::Light => "Light",
            Theme::Dark => "Dark",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_theme_cookie_is_kept_for_a_year_on_the_whole_site() {
        assert_eq!(
            theme_options().render(THEME_COOKIE, "dark").unwrap(),
            "theme=dark; SameSite=Lax; Path=/; Max-Age=31536000"
        );
    }

    #[test]
    fn every_theme_reads_back_from_the_value_it_writes() {
        for theme in Theme::ALL {
            assert_eq!(Theme::from_cookie(Some(theme.as_str())), theme);
        }
    }

    #[test]
    fn a_missing_or_unknown_value_is_the_light_theme() {
        for value in [None, Some(""), Some("blue"), Some("DARK"), Some("dark ")] {
            assert_eq!(Theme::from_cookie(value), Theme::Light, "{value:?}");
        }
    }
}
