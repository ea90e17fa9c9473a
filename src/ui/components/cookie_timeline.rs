use yew::prelude::*;

use super::cookie_table::use_now;
use crate::timeline::{
    countdown, layout, time_of_day, Life, Seen, TimelineInput, PLOT_LEFT, PLOT_RIGHT, ROW,
    SEEN_KEY, WIDTH,
};
use crate::ui::context::use_lab;
use crate::ui::state::SessionStatus;
use crumbs_cookies::clock::Millis;
use crumbs_yew::{use_cookie_attributes, use_cookies, CookieAttributesState};

/// The longest cookie name drawn beside its bar; the caption list has every name whole.
const NAME_CHARS: usize = 16;

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// Saves the record; a refusal (storage full or blocked) costs the next load its past,
/// nothing more.
fn save(seen: &Seen) {
    if let Some(storage) = session_storage() {
        let _ = storage.set_item(SEEN_KEY, &seen.to_json());
    }
}

/// The page's offset from UTC in minutes, for times of day as the user reads a clock.
fn offset_minutes(at: Millis) -> i64 {
    -(js_sys::Date::new(&(at as f64).into()).get_timezone_offset() as i64)
}

/// What the caption says of a cookie's end.
fn end_in_words(attributes: &CookieAttributesState, name: &str, now: Millis) -> String {
    match attributes.get(name).map(|cookie| cookie.expires_in(now)) {
        Some(Some(left)) => match countdown(left) {
            text if text.starts_with("in ") => format!("expires {text}"),
            text => text,
        },
        Some(None) => "a session cookie (kept until the browser closes)".into(),
        None => "expiry unknown here".into(),
    }
}

fn short(name: &str) -> String {
    if name.chars().count() > NAME_CHARS {
        name.chars().take(NAME_CHARS - 1).chain(['…']).collect()
    } else {
        name.to_owned()
    }
}

/// "Cookie timeline": each cookie's life in this tab as a bar, the tab's page loads as
/// ticks and the server session's end, on one time axis, drawn from
/// [`layout`](crate::timeline::layout); the same facts as a list, in words.
#[component]
pub fn CookieTimeline() -> Html {
    let ctx = use_lab();
    let cookies = use_cookies();
    let attributes = use_cookie_attributes();
    let now = use_now(1_000);
    let page_load = ctx.state.page_load;
    let seen = use_mut_ref(move || {
        let saved = session_storage().and_then(|storage| storage.get_item(SEEN_KEY).ok().flatten());
        let mut seen = Seen::from_saved(saved.as_deref());
        if seen.record_load(page_load, now) {
            save(&seen);
        }
        seen
    });
    // Noting a sighting here, at render, is noting it when the page first shows the
    // cookie; it writes only when something changed.
    let input = {
        let mut seen = seen.borrow_mut();
        if seen.see(cookies.iter().map(|cookie| cookie.name.as_str()), now) {
            save(&seen);
        }
        TimelineInput {
            now,
            lives: cookies
                .iter()
                .map(|cookie| Life {
                    name: cookie.name.clone(),
                    first_seen: seen.first_seen(&cookie.name).unwrap_or(now),
                    expires: attributes.get(&cookie.name).and_then(|found| found.expires),
                })
                .collect(),
            loads: seen.loads.clone(),
            session_ends: match &ctx.state.session {
                SessionStatus::LoggedIn { expires_at, .. } => *expires_at,
                _ => None,
            },
        }
    };
    let geometry = layout(&input);
    let offset = offset_minutes(now);

    let mut captions: Vec<String> = input
        .lives
        .iter()
        .map(|life| {
            format!(
                "{}: first seen {}, {}",
                life.name,
                time_of_day(life.first_seen, offset),
                end_in_words(&attributes, &life.name, now)
            )
        })
        .collect();
    captions.extend(
        input
            .loads
            .iter()
            .map(|&(load, at)| format!("Page load #{load} at {}", time_of_day(at, offset))),
    );
    if let Some(ends) = input.session_ends {
        captions.push(match countdown(ends.saturating_sub(now)) {
            text if text.starts_with("in ") => format!("Server session ends {text}"),
            _ => "Server session has ended".into(),
        });
    }
    let description = format!(
        "{} cookie{} as bars from when this tab first saw each to its expiry (an arrow where \
         there is none on the axis), {} page load{} as ticks{}. The list below says each in words.",
        input.lives.len(),
        if input.lives.len() == 1 { "" } else { "s" },
        input.loads.len(),
        if input.loads.len() == 1 { "" } else { "s" },
        if input.session_ends.is_some() {
            ", and the server session's end as a dashed line"
        } else {
            ""
        },
    );

    // The ticks and lines reach from above the first bar down to the axis.
    let top = geometry.bars.first().map_or(geometry.axis_y, |bar| bar.y) - ROW / 2;
    html! {
        <section class="panel" aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">{ "Cookie timeline" }</h2>
            <p class="explain">{ "Each bar is one cookie's life in this tab: from when the page first saw it \
                to its expiry. An arrow means no end on this axis: a session cookie, an expiry the \
                browser does not say, or one far in the future. Ticks are this tab's page loads; the \
                dashed line is when the server session ends." }</p>
            <svg class="timeline" role="img" aria-labelledby="timeline-title timeline-desc"
                viewBox={format!("0 0 {WIDTH} {}", geometry.height)}>
                <title id="timeline-title">{ "Cookie timeline" }</title>
                <desc id="timeline-desc">{ description }</desc>
                { for geometry.ticks.iter().map(|tick| html! {
                    <g class="load">
                        <line x1={tick.x.to_string()} x2={tick.x.to_string()}
                            y1={top.to_string()} y2={(geometry.axis_y + 6).to_string()} />
                        <text x={tick.x.to_string()} y={(geometry.axis_y + 20).to_string()}
                            text-anchor="middle">{ format!("#{}", tick.load) }</text>
                    </g>
                }) }
                { for geometry.bars.iter().map(|bar| {
                    let y = bar.y.to_string();
                    let parts = html! { <>
                        <text x={(PLOT_LEFT - 6).to_string()} y={(bar.y + 4).to_string()}
                            text-anchor="end">{ short(&bar.name) }</text>
                        <line x1={bar.x_start.to_string()} x2={bar.x_end.to_string()}
                            y1={y.clone()} y2={y} />
                        if bar.open_end {
                            <path d={format!("M{} {}L{} {}L{} {}", bar.x_end - 7, bar.y - 5,
                                bar.x_end, bar.y, bar.x_end - 7, bar.y + 5)} />
                        }
                    </> };
                    // "bar open" or "bar": literal class lists, not `classes!` (see
                    // `forge_panel::report_box`); both a `g`, so a change patches it.
                    if bar.open_end {
                        html! { <g class="bar open">{ parts }</g> }
                    } else {
                        html! { <g class="bar">{ parts }</g> }
                    }
                }) }
                <line class="axis" x1={PLOT_LEFT.to_string()} x2={PLOT_RIGHT.to_string()}
                    y1={geometry.axis_y.to_string()} y2={geometry.axis_y.to_string()} />
                <g class="now">
                    <line x1={geometry.now_x.to_string()} x2={geometry.now_x.to_string()}
                        y1={top.to_string()} y2={geometry.axis_y.to_string()} />
                    <text x={geometry.now_x.to_string()} y={(top - 2).to_string()}
                        text-anchor="middle">{ "now" }</text>
                </g>
                if let Some(x) = geometry.session_x {
                    <line class="session-end" x1={x.to_string()} x2={x.to_string()}
                        y1={top.to_string()} y2={geometry.axis_y.to_string()} />
                }
            </svg>
            <ul class="timeline-captions">
                { for captions.into_iter().map(|caption| html! { <li>{ caption }</li> }) }
            </ul>
        </section>
    }
}
