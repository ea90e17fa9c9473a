use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::bind_text;

use crate::backend::Backend;
use crate::ui::context::use_lab;
use crate::ui::state::{LabAction, Purpose};
use crumbs_cookies::clock::Millis;
use crumbs_mock::server::users::{DEMO_ACCOUNTS, PBKDF2_ROUNDS, RECOMMENDED_PBKDF2_ROUNDS};
use crumbs_protocol::api::LoginRequest;
use crumbs_protocol::http::Request;

/// The login form, with the demo accounts beside it.
#[component]
pub fn LoginForm() -> Html {
    let ctx = use_lab();
    let username = use_state(String::new);
    let password = use_state(String::new);
    let remember = use_state(|| false);
    let pending = ctx.state.pending == Some(Purpose::Login);

    let onsubmit = {
        let (ctx, username, password, remember) = (
            ctx.clone(),
            username.clone(),
            password.clone(),
            remember.clone(),
        );
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if ctx.state.still_choosing() {
                // Sent now, the login would go to the mock while the page is about to
                // switch to the real server; the wait is one local request long.
                ctx.dispatch(LabAction::LoginInvalid(
                    "Still asking whether the real server this address names is running: \
                     try again in a moment."
                        .to_owned(),
                ));
                return;
            }
            let name = username.trim();
            if name.is_empty() {
                ctx.dispatch(LabAction::LoginInvalid(
                    "Type a username: one of the demo accounts below.".to_owned(),
                ));
                return;
            }
            if password.is_empty() {
                ctx.dispatch(LabAction::LoginInvalid("Type the password.".to_owned()));
                return;
            }
            let body = LoginRequest {
                username: name.to_owned(),
                password: (*password).clone(),
                remember: *remember,
            };
            let body = serde_json::to_string(&body).unwrap_or_default();
            ctx.send(Purpose::Login, Request::post("/api/login", body));
        })
    };
    let on_remember = {
        let remember = remember.clone();
        Callback::from(move |event: Event| {
            remember.set(event.target_unchecked_into::<HtmlInputElement>().checked())
        })
    };

    let real = ctx.state.backend == Backend::Server;
    // `?ttl=` shortens the mock's sessions only; the real server keeps the contract's.
    let (session_ms, remembered_ms) = if real {
        (
            crumbs_protocol::rules::SESSION_MS,
            crumbs_protocol::rules::REMEMBERED_MS,
        )
    } else {
        let lifetimes = ctx.lab.lifetimes();
        (lifetimes.session_ms, lifetimes.remembered_ms)
    };
    let (session, remembered) = (duration_words(session_ms), duration_words(remembered_ms));
    let server = if real {
        "the real server"
    } else {
        "the mock server"
    };

    html! {
        <section class="panel" aria-labelledby="login-heading">
            <h2 id="login-heading">{ "Log in" }</h2>
            <p class="explain">
                { format!("Logging in sends your name and password to {server}. If they match, \
                   its answer carries a ") }<code>{ "Set-Cookie" }</code>
                { " header, and from then on the browser sends that cookie back with its requests to \
                   this host (on any port: cookies ignore ports) and to no other: that is how the \
                   server recognises you. The cookie is " }<code>{ "SameSite=Lax" }</code>
                { ": the browser sends it on requests made from this site's own pages and when you \
                   follow a link to this site from another one (a top-level GET), but not on \
                   cross-site sub-requests (an image, a frame, a fetch), nor on a cross-site POST, \
                   even a form another site submits here. A cross-site link still carries it, so a \
                   GET that changes something is not protected by Lax." }
            </p>
            <p class="explain">
                { format!("Tick Remember me for a cookie with a Max-Age of {remembered}: the browser \
                   keeps it, across restarts, until then. Leave it unticked for a session cookie, the \
                   browser's name for a cookie with no Expires or Max-Age. Browsers usually delete a \
                   session cookie when they quit, but session restore can keep it. The server's limit \
                   still applies: with server sessions it forgets the session after \
                   {session}, whatever the cookie does. A session cookie and a server session share a \
                   word, not a lifetime: the first is the browser's, the second is the record the \
                   server keeps of your login.") }
            </p>
            <form {onsubmit}>
                <label>{ "Username" }
                    <input type="text" name="username" autocomplete="username"
                        value={(*username).clone()} oninput={bind_text(&username)} />
                </label>
                <label>{ "Password" }
                    <input type="password" name="password" autocomplete="current-password"
                        value={(*password).clone()} oninput={bind_text(&password)} />
                </label>
                <label class="check">
                    <input type="checkbox" name="remember" checked={*remember} onchange={on_remember} />
                    { "Remember me" }
                </label>
                <button type="submit" disabled={pending} aria-busy={pending.to_string()}>
                    { if pending { "Logging in…" } else { "Log in" } }
                </button>
            </form>
            if let Some(error) = &ctx.state.login_error {
                <p role="alert" class="error">{ error }</p>
            }
            <p class="demo">{ "Demo accounts: " }
                { for DEMO_ACCOUNTS.iter().enumerate().map(|(i, (name, password))| html! {
                    <>
                        if i > 0 { { ", " } }
                        <code>{ *name }</code>{ " / " }<code>{ *password }</code>
                    </>
                }) }
            </p>
            if real {
                <p class="explain hashing">{ "The real server keeps these passwords only as \
                    Argon2id hashes, and checks them off its request-serving threads, so a slow \
                    hash never holds up other requests." }</p>
            } else {
                <p class="explain hashing">{ format!(
                    "The mock server keeps these passwords only as salted PBKDF2-HMAC-SHA256 hashes, \
                     with {} rounds. Current guidance asks for {} rounds; in this page that would make \
                     every login wait about 0.3 s, so the mock uses fewer. A real server \
                     should follow the guidance, or use Argon2id.",
                    thousands(PBKDF2_ROUNDS),
                    thousands(RECOMMENDED_PBKDF2_ROUNDS),
                ) }</p>
            }
        </section>
    }
}

/// A lifetime in milliseconds as people say it: "30 minutes", "7 days", "1 second";
/// in the largest unit that divides it, so `?ttl=90` reads "90 seconds".
pub(crate) fn duration_words(millis: Millis) -> String {
    const UNITS: [(Millis, &str); 4] = [
        (86_400_000, "day"),
        (3_600_000, "hour"),
        (60_000, "minute"),
        (1_000, "second"),
    ];
    let millis = millis.max(0);
    let (count, unit) = UNITS
        .iter()
        .find(|(size, _)| millis >= *size && millis % size == 0)
        .map(|(size, unit)| (millis / size, *unit))
        .unwrap_or((millis, "millisecond"));
    format!("{count} {unit}{}", if count == 1 { "" } else { "s" })
}

/// `600000` as `600,000`, as people read counts.
fn thousands(count: u32) -> String {
    let digits = count.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{duration_words, thousands};

    #[test]
    fn lifetimes_read_in_the_largest_whole_unit() {
        for (millis, text) in [
            (30 * 60 * 1000, "30 minutes"),
            (7 * 24 * 60 * 60 * 1000, "7 days"),
            (1000, "1 second"),
            (90_000, "90 seconds"),
            (3_600_000, "1 hour"),
            (1500, "1500 milliseconds"),
            (0, "0 milliseconds"),
            (-5, "0 milliseconds"),
        ] {
            assert_eq!(duration_words(millis), text);
        }
    }

    #[test]
    fn counts_are_grouped_by_thousands() {
        for (count, text) in [
            (0, "0"),
            (999, "999"),
            (4096, "4,096"),
            (600_000, "600,000"),
            (u32::MAX, "4,294,967,295"),
        ] {
            assert_eq!(thousands(count), text);
        }
    }
}
