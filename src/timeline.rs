//! Time made visible, as pure functions the UI only renders: the countdown text of the
//! cookie table, the geometry of the "Cookie timeline" picture, and the tab's saved
//! record of page loads and of when it first saw each cookie.
//!
//! Kept free of the browser so every case is a host test; the components pass in the
//! time (`Date.now()`) and the saved text.

use crumbs_cookies::clock::{seconds_rounded_up, Millis};

const MINUTE: i64 = 60;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

/// How long until an expiry, for a live countdown: "in 42 s", "in 59 min", "in 2 h 5 min",
/// "in 6 d 23 h"; "expired" once it has passed. Seconds are rounded up, so the text
/// says "expired" only when the cookie is gone. Never overflows, whatever `ms_left`.
pub fn countdown(ms_left: Millis) -> String {
    let seconds = seconds_rounded_up(ms_left);
    if seconds <= 0 {
        return "expired".into();
    }
    let (days, hours) = (seconds / DAY, seconds % DAY / HOUR);
    let minutes = seconds % HOUR / MINUTE;
    if days > 0 {
        return if hours > 0 {
            format!("in {days} d {hours} h")
        } else {
            format!("in {days} d")
        };
    }
    if hours > 0 {
        return if minutes > 0 {
            format!("in {hours} h {minutes} min")
        } else {
            format!("in {hours} h")
        };
    }
    if minutes > 0 {
        return format!("in {minutes} min");
    }
    format!("in {seconds} s")
}

/// `at` as a time of day, "10:02:11", given the page's offset from UTC in minutes
/// (east positive: `-Date.getTimezoneOffset()`).
pub fn time_of_day(at: Millis, offset_minutes: i64) -> String {
    let local = (at / 1000).saturating_add(offset_minutes.saturating_mul(MINUTE));
    let in_day = local.rem_euclid(DAY);
    format!(
        "{:02}:{:02}:{:02}",
        in_day / HOUR,
        in_day % HOUR / MINUTE,
        in_day % MINUTE
    )
}

/// One cookie's life, as the timeline draws it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Life {
    pub name: String,
    /// When this tab first saw it.
    pub first_seen: Millis,
    /// Its expiry; `None` for a session cookie or where the browser does not say.
    pub expires: Option<Millis>,
}

/// What the timeline shows, at `now`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimelineInput {
    pub now: Millis,
    pub lives: Vec<Life>,
    /// Page loads of this tab: (number, time).
    pub loads: Vec<(u32, Millis)>,
    /// When the server session ends, where there is one.
    pub session_ends: Option<Millis>,
}

/// The picture's size in its own units (the SVG's `viewBox`): the page scales it. Whole
/// units, so the page writes coordinates without floating-point formatting (which would
/// cost the Wasm binary kilobytes).
pub const WIDTH: i32 = 640;
/// Where the axis starts: the cookie names sit left of it.
pub const PLOT_LEFT: i32 = 130;
pub const PLOT_RIGHT: i32 = 620;
const TOP: i32 = 24;
pub const ROW: i32 = 22;
const BOTTOM: i32 = 30;
/// The axis shows at least this much of the future, so a cookie expiring within the hour
/// ends on the picture rather than at its edge.
const MIN_FUTURE: Millis = 3_600_000;
/// The axis shows at least this much time in all, so a fresh tab is not a zero-width axis.
const MIN_SPAN: Millis = 60_000;

/// One bar: a cookie's life from `x_start` to `x_end` on row `y`.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub name: String,
    pub y: i32,
    pub x_start: i32,
    pub x_end: i32,
    /// No end on the axis: a session cookie, an unknown expiry, or one beyond the right
    /// edge (then `clamped` too). Drawn with an arrow.
    pub open_end: bool,
    /// Its expiry lies beyond the axis' right edge.
    pub clamped: bool,
}

/// A page load, a tick on the axis.
#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    pub load: u32,
    pub x: i32,
}

/// Everything the timeline draws, in `viewBox` units.
#[derive(Clone, Debug, PartialEq)]
pub struct Geometry {
    pub height: i32,
    /// The y of the axis line, under the bars.
    pub axis_y: i32,
    pub bars: Vec<Bar>,
    pub ticks: Vec<Tick>,
    pub now_x: i32,
    /// The server session's end, clamped to the axis (`None` without a session).
    pub session_x: Option<i32>,
}

/// Lays out the timeline: time runs left to right from the earliest page load or first
/// sighting to at least an hour after `now`; bars are ordered by first sighting (then
/// name); anything beyond the axis is clamped to its edges. Never overflows and never
/// yields a coordinate outside `PLOT_LEFT..=PLOT_RIGHT`.
pub fn layout(input: &TimelineInput) -> Geometry {
    let now = input.now;
    let start = input
        .lives
        .iter()
        .map(|life| life.first_seen)
        .chain(input.loads.iter().map(|&(_, at)| at))
        .filter(|&at| at <= now)
        .min()
        .unwrap_or(now);
    let past = now.saturating_sub(start);
    let mut end = now.saturating_add(past.max(MIN_FUTURE));
    // The server session's end is worth widening the axis for, up to a day ahead.
    if let Some(ends) = input.session_ends {
        if ends > end && ends <= now.saturating_add(DAY * 1000) {
            end = ends;
        }
    }
    let span = end.saturating_sub(start).max(MIN_SPAN);
    let x = |at: Millis| -> i32 {
        let from_start = at.saturating_sub(start) as f64;
        let fraction = (from_start / span as f64).clamp(0.0, 1.0);
        // In 0..=490 after the clamp: the cast cannot saturate.
        PLOT_LEFT + (fraction * f64::from(PLOT_RIGHT - PLOT_LEFT)).round() as i32
    };

    // An insertion sort: a page has at most a few hundred cookies, mostly in order
    // already, and the standard library's sorts cost kilobytes of Wasm.
    let mut lives: Vec<&Life> = Vec::with_capacity(input.lives.len());
    fn key(life: &Life) -> (Millis, &str) {
        (life.first_seen, &life.name)
    }
    for life in &input.lives {
        let at = lives
            .iter()
            .rposition(|placed| key(placed) <= key(life))
            .map_or(0, |before| before + 1);
        lives.insert(at, life);
    }
    // Rows beyond what an i32 can place share the last one rather than overflow.
    let row_y = |row: usize| {
        i32::try_from(row)
            .ok()
            .and_then(|row| row.checked_mul(ROW))
            .and_then(|y| y.checked_add(TOP))
            .unwrap_or(i32::MAX - BOTTOM)
    };
    let bars = lives
        .iter()
        .enumerate()
        .map(|(row, life)| {
            let x_start = x(life.first_seen);
            let clamped = life.expires.is_some_and(|at| at > end);
            let open_end = life.expires.is_none() || clamped;
            let x_end = match life.expires {
                Some(at) if !clamped => x(at).max(x_start),
                _ => PLOT_RIGHT,
            };
            Bar {
                name: life.name.clone(),
                y: row_y(row),
                x_start,
                x_end,
                open_end,
                clamped,
            }
        })
        .collect::<Vec<_>>();
    let axis_y = row_y(bars.len());
    Geometry {
        height: axis_y.saturating_add(BOTTOM),
        axis_y,
        ticks: input
            .loads
            .iter()
            .map(|&(load, at)| Tick { load, x: x(at) })
            .collect(),
        bars,
        now_x: x(now),
        session_x: input.session_ends.map(x),
    }
}

/// The `sessionStorage` key of [`Seen`]: the tab's page-load times and first sightings.
pub const SEEN_KEY: &str = "crumbs.timeline";
/// The first row of the saved record: its format.
const SEEN_VERSION: &str = "v2";
/// Page loads kept: the oldest go first.
pub const MAX_LOADS: usize = 20;
/// Cookies remembered: a page sees at most a few hundred (browsers cap a site's jar).
pub const MAX_SEEN: usize = 300;

/// What the tab remembers across its reloads for the timeline: when each page load
/// happened and when it first saw each cookie it can see now. Saved as versioned JSON;
/// anything unreadable starts a fresh record (the picture loses its past, nothing fails).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Seen {
    /// (page load number, time), oldest first.
    pub loads: Vec<(u32, Millis)>,
    /// (cookie name, first seen), oldest first.
    pub cookies: Vec<(String, Millis)>,
}

impl Seen {
    /// The saved record, or a fresh one if there is none or it cannot be read.
    pub fn from_saved(saved: Option<&str>) -> Self {
        saved.and_then(Self::parse).unwrap_or_default()
    }

    // Lists of strings, the shape the saved network log and the SameSite report already
    // decode: the page's Wasm carries one JSON decoder for all three (a typed tuple cost
    // it 5 KB of code of its own), and no floating-point code.
    fn parse(text: &str) -> Option<Self> {
        let rows: Vec<Vec<String>> = serde_json::from_str(text).ok()?;
        let (version, rows) = rows.split_first()?;
        if version.as_slice() != [SEEN_VERSION] {
            return None;
        }
        let mut seen = Seen::default();
        for row in rows {
            match row.as_slice() {
                [kind, load, at] if kind == "load" => {
                    seen.loads.push((load.parse().ok()?, at.parse().ok()?))
                }
                [kind, name, at] if kind == "cookie" => {
                    seen.cookies.push((name.clone(), at.parse().ok()?))
                }
                _ => return None,
            }
        }
        seen.bound();
        Some(seen)
    }

    /// The text to save: `[["v2"], ["load", "1", "TIME"], …, ["cookie", NAME, "TIME"], …]`.
    pub fn to_json(&self) -> String {
        let rows = std::iter::once(vec![SEEN_VERSION.to_owned()])
            .chain(
                self.loads
                    .iter()
                    .map(|(load, at)| vec!["load".to_owned(), load.to_string(), at.to_string()]),
            )
            .chain(
                self.cookies
                    .iter()
                    .map(|(name, at)| vec!["cookie".to_owned(), name.clone(), at.to_string()]),
            )
            .collect::<Vec<_>>();
        serde_json::to_string(&rows).unwrap_or_default()
    }

    /// Notes page load `load` at `at`, unless already noted (a remount of the same
    /// load). Returns whether anything changed.
    pub fn record_load(&mut self, load: u32, at: Millis) -> bool {
        if self.loads.iter().any(|&(known, _)| known == load) {
            return false;
        }
        self.loads.push((load, at));
        self.bound();
        true
    }

    /// Notes the cookies visible at `now`: a new name is first seen now; a name no longer
    /// visible is forgotten, so a cookie deleted and written again starts a new bar.
    /// Returns whether anything changed.
    pub fn see<'a>(&mut self, names: impl IntoIterator<Item = &'a str>, now: Millis) -> bool {
        let names: Vec<&str> = names.into_iter().collect();
        let before = self.cookies.len();
        self.cookies
            .retain(|(known, _)| names.contains(&known.as_str()));
        let mut changed = self.cookies.len() != before;
        for name in names {
            if !self.cookies.iter().any(|(known, _)| known == name) {
                self.cookies.push((name.to_owned(), now));
                changed = true;
            }
        }
        self.bound();
        changed
    }

    /// When the tab first saw cookie `name`.
    pub fn first_seen(&self, name: &str) -> Option<Millis> {
        self.cookies
            .iter()
            .find(|(known, _)| known == name)
            .map(|&(_, at)| at)
    }

    fn bound(&mut self) {
        let extra = self.loads.len().saturating_sub(MAX_LOADS);
        self.loads.drain(..extra);
        let extra = self.cookies.len().saturating_sub(MAX_SEEN);
        self.cookies.drain(..extra);
    }
}

/// The longest cookie name drawn beside its bar; the caption list has every name whole.
const NAME_CHARS: usize = 16;

/// `name` cut to [`NAME_CHARS`] characters, with "…" where it was cut.
pub fn short(name: &str) -> String {
    if name.chars().count() > NAME_CHARS {
        name.chars().take(NAME_CHARS - 1).chain(['…']).collect()
    } else {
        name.to_owned()
    }
}

/// `text` safe as the text of an XML element or a quoted attribute: cookie names come
/// from any script that can write `document.cookie`.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// The "Cookie timeline" picture as SVG markup, from `geometry`, with `description` as its
/// `<desc>`: one string rather than a virtual node per line and label, which costs the
/// page's Wasm far less code, and every text in it escaped.
pub fn svg_markup(geometry: &Geometry, description: &str) -> String {
    use std::fmt::Write;
    // The ticks and lines reach from above the first bar down to the axis.
    let axis = geometry.axis_y;
    let top = geometry.bars.first().map_or(axis, |bar| bar.y) - ROW / 2;
    let mut svg = format!(
        "<svg class=\"timeline\" role=\"img\" aria-labelledby=\"timeline-title timeline-desc\" \
         viewBox=\"0 0 {WIDTH} {}\"><title id=\"timeline-title\">Cookie timeline</title>\
         <desc id=\"timeline-desc\">{}</desc>",
        geometry.height,
        escape(description)
    );
    // Writing to a String cannot fail.
    for tick in &geometry.ticks {
        let x = tick.x;
        let _ = write!(
            svg,
            "<g class=\"load\"><line x1=\"{x}\" x2=\"{x}\" y1=\"{top}\" y2=\"{}\"/>\
             <text x=\"{x}\" y=\"{}\" text-anchor=\"middle\">#{}</text></g>",
            axis + 6,
            axis + 20,
            tick.load
        );
    }
    for bar in &geometry.bars {
        let (y, end) = (bar.y, bar.x_end);
        let _ = write!(
            svg,
            "<g class=\"bar{}\"><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\
             <line x1=\"{}\" x2=\"{end}\" y1=\"{y}\" y2=\"{y}\"/>",
            if bar.open_end { " open" } else { "" },
            PLOT_LEFT - 6,
            y + 4,
            escape(&short(&bar.name)),
            bar.x_start,
        );
        if bar.open_end {
            let _ = write!(
                svg,
                "<path d=\"M{} {}L{end} {y}L{} {}\"/>",
                end - 7,
                y - 5,
                end - 7,
                y + 5
            );
        }
        svg.push_str("</g>");
    }
    let now = geometry.now_x;
    let _ = write!(
        svg,
        "<line class=\"axis\" x1=\"{PLOT_LEFT}\" x2=\"{PLOT_RIGHT}\" y1=\"{axis}\" y2=\"{axis}\"/>\
         <g class=\"now\"><line x1=\"{now}\" x2=\"{now}\" y1=\"{top}\" y2=\"{axis}\"/>\
         <text x=\"{now}\" y=\"{}\" text-anchor=\"middle\">now</text></g>",
        top - 2
    );
    if let Some(x) = geometry.session_x {
        let _ = write!(
            svg,
            "<line class=\"session-end\" x1=\"{x}\" x2=\"{x}\" y1=\"{top}\" y2=\"{axis}\"/>"
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_svg_escapes_every_name_and_draws_each_part() {
        let geometry = Geometry {
            height: 100,
            axis_y: 80,
            bars: vec![Bar {
                name: "<b>&\"'".to_owned(),
                y: 40,
                x_start: 120,
                x_end: 300,
                open_end: true,
                clamped: false,
            }],
            ticks: vec![Tick { load: 2, x: 150 }],
            now_x: 200,
            session_x: Some(250),
        };
        let svg = svg_markup(&geometry, "1 cookie <here>");
        assert!(
            svg.starts_with("<svg class=\"timeline\" role=\"img\""),
            "{svg}"
        );
        assert!(
            svg.contains("<desc id=\"timeline-desc\">1 cookie &lt;here&gt;</desc>"),
            "{svg}"
        );
        assert!(svg.contains(">&lt;b&gt;&amp;&quot;&#39;</text>"), "{svg}");
        assert!(!svg.contains("<b>"), "{svg}");
        assert!(svg.contains("<g class=\"bar open\">"), "{svg}");
        assert!(svg.contains("<path d=\"M293 35L300 40L293 45\"/>"), "{svg}");
        assert!(svg.contains(">#2</text>"), "{svg}");
        assert!(
            svg.contains("<line class=\"session-end\" x1=\"250\""),
            "{svg}"
        );
        assert!(svg.ends_with("</svg>"), "{svg}");
    }

    #[test]
    fn long_names_are_cut_with_an_ellipsis() {
        assert_eq!(short("sixteen-chars-ok"), "sixteen-chars-ok");
        assert_eq!(short("seventeen-chars-x"), "seventeen-chars…");
    }

    #[test]
    fn countdown_table() {
        for (ms, text) in [
            (1, "in 1 s"),
            (1_000, "in 1 s"),
            (42_000, "in 42 s"),
            (59_000, "in 59 s"),
            (59_001, "in 1 min"),
            (60_000, "in 1 min"),
            (3_599_000, "in 59 min"),
            (3_600_000, "in 1 h"),
            (3_660_000, "in 1 h 1 min"),
            (86_399_000, "in 23 h 59 min"),
            (86_400_000, "in 1 d"),
            (7 * 86_400_000 - 1_000, "in 6 d 23 h"),
            (400 * 86_400_000, "in 400 d"),
            (0, "expired"),
            (-5_000, "expired"),
            (i64::MIN, "expired"),
        ] {
            assert_eq!(countdown(ms), text, "{ms} ms");
        }
        // The farthest future does not overflow.
        assert!(countdown(i64::MAX).starts_with("in "));
    }

    #[test]
    fn time_of_day_in_the_page_zone() {
        // 2026-11-27 10:02:11 UTC.
        let at = 1_795_773_731_000;
        assert_eq!(time_of_day(at, 0), "10:02:11");
        assert_eq!(time_of_day(at, 60), "11:02:11");
        assert_eq!(time_of_day(at, -11 * 60), "23:02:11");
        assert_eq!(time_of_day(i64::MIN, i64::MAX).len(), 8);
    }

    const NOW: Millis = 1_800_000_000_000;

    fn life(name: &str, first_seen: Millis, expires: Option<Millis>) -> Life {
        Life {
            name: name.into(),
            first_seen,
            expires,
        }
    }

    fn within_axis(x: i32) -> bool {
        (PLOT_LEFT..=PLOT_RIGHT).contains(&x)
    }

    #[test]
    fn bars_are_ordered_by_first_sighting_and_stay_on_the_axis() {
        let geometry = layout(&TimelineInput {
            now: NOW,
            lives: vec![
                life("late", NOW - 1_000, Some(NOW + 60_000)),
                life("early", NOW - 600_000, Some(NOW + 600_000)),
                life("b", NOW - 300_000, None),
                life("a", NOW - 300_000, None),
            ],
            loads: vec![(1, NOW - 600_000), (2, NOW - 300_000)],
            session_ends: Some(NOW + 1_800_000),
        });
        let names: Vec<&str> = geometry.bars.iter().map(|bar| bar.name.as_str()).collect();
        assert_eq!(names, ["early", "a", "b", "late"]);
        for pair in geometry.bars.windows(2) {
            assert!(pair[0].y < pair[1].y && pair[0].x_start <= pair[1].x_start);
        }
        for bar in &geometry.bars {
            assert!(
                within_axis(bar.x_start) && within_axis(bar.x_end),
                "{bar:?}"
            );
            assert!(bar.x_start <= bar.x_end, "{bar:?}");
            assert!(bar.y < geometry.axis_y);
        }
        assert_eq!(geometry.bars[0].x_start, PLOT_LEFT);
        assert!(geometry.ticks.iter().all(|tick| within_axis(tick.x)));
        assert_eq!(geometry.ticks[0].x, PLOT_LEFT);
        assert!(geometry.ticks[0].x < geometry.ticks[1].x);
        assert!(geometry.ticks[1].x < geometry.now_x);
        let session = geometry.session_x.unwrap();
        assert!(geometry.now_x < session && session <= PLOT_RIGHT);
        assert!(geometry.height > geometry.axis_y);
    }

    #[test]
    fn session_cookies_have_an_open_end_and_far_futures_are_clamped() {
        let geometry = layout(&TimelineInput {
            now: NOW,
            lives: vec![
                life("session", NOW - 10_000, None),
                life("year", NOW - 5_000, Some(NOW + 365 * 86_400_000)),
                life("forever", NOW - 4_000, Some(i64::MAX)),
                life("soon", NOW - 3_000, Some(NOW + 60_000)),
            ],
            loads: vec![(1, NOW - 10_000)],
            session_ends: None,
        });
        let bar = |name: &str| geometry.bars.iter().find(|bar| bar.name == name).unwrap();
        assert!(bar("session").open_end && !bar("session").clamped);
        assert_eq!(bar("session").x_end, PLOT_RIGHT);
        for far in ["year", "forever"] {
            assert!(bar(far).open_end && bar(far).clamped, "{far}");
            assert_eq!(bar(far).x_end, PLOT_RIGHT);
        }
        assert!(!bar("soon").open_end && bar("soon").x_end < PLOT_RIGHT);
        assert!(geometry.session_x.is_none());
    }

    #[test]
    fn no_overflow_at_the_ends_of_time() {
        for now in [0, i64::MIN, i64::MAX] {
            let geometry = layout(&TimelineInput {
                now,
                lives: vec![
                    life("min", i64::MIN, Some(i64::MIN)),
                    life("max", i64::MAX, Some(i64::MAX)),
                    life("future", now.saturating_add(1_000), None),
                ],
                loads: vec![(1, i64::MIN), (u32::MAX, i64::MAX)],
                session_ends: Some(i64::MIN),
            });
            for bar in &geometry.bars {
                assert!(
                    within_axis(bar.x_start) && within_axis(bar.x_end),
                    "{bar:?}"
                );
                assert!(bar.x_start <= bar.x_end);
            }
            assert!(geometry.ticks.iter().all(|tick| within_axis(tick.x)));
            assert!(within_axis(geometry.now_x));
        }
        let empty = layout(&TimelineInput {
            now: NOW,
            lives: vec![],
            loads: vec![],
            session_ends: None,
        });
        assert!(empty.bars.is_empty() && empty.height > 0);
        assert_eq!(empty.now_x, PLOT_LEFT);
    }

    #[test]
    fn seen_round_trips_and_keeps_the_first_sighting() {
        let mut seen = Seen::from_saved(None);
        assert!(seen.record_load(1, NOW));
        assert!(seen.see(["theme", "crumbs.sid"], NOW));
        assert!(!seen.see(["theme", "crumbs.sid"], NOW + 5_000));
        let mut again = Seen::from_saved(Some(&seen.to_json()));
        assert_eq!(again, seen);
        assert!(
            !again.record_load(1, NOW + 9_000),
            "a remount is the same load"
        );
        assert!(again.record_load(2, NOW + 9_000));
        assert_eq!(again.first_seen("theme"), Some(NOW));
        // Deleted, then written again: a new life.
        assert!(again.see(["crumbs.sid"], NOW + 10_000));
        assert_eq!(again.first_seen("theme"), None);
        assert!(again.see(["crumbs.sid", "theme"], NOW + 11_000));
        assert_eq!(again.first_seen("theme"), Some(NOW + 11_000));
        assert_eq!(again.first_seen("crumbs.sid"), Some(NOW));
    }

    #[test]
    fn seen_is_bounded_oldest_first() {
        let mut seen = Seen::default();
        for load in 1..=50 {
            seen.record_load(load, NOW + i64::from(load));
        }
        assert_eq!(seen.loads.len(), MAX_LOADS);
        assert_eq!(seen.loads[0].0, 31);
        let names: Vec<String> = (0..1_000).map(|n| format!("c{n}")).collect();
        seen.see(names.iter().map(String::as_str), NOW);
        assert_eq!(seen.cookies.len(), MAX_SEEN);
        // A saved record longer than the bounds (written by hand) is cut on reading.
        let long = format!(
            r#"[["v2"],{}]"#,
            (1..=30)
                .map(|n| format!(r#"["load","{n}","{n}"]"#))
                .collect::<Vec<_>>()
                .join(",")
        );
        assert_eq!(Seen::from_saved(Some(&long)).loads.len(), MAX_LOADS);
    }

    #[test]
    fn unreadable_saved_record_starts_fresh() {
        for junk in [
            "",
            "not json",
            "[]",
            "null",
            "[1,[],[]]",
            r#"[["v1"]]"#,
            r#"[["v2","x"]]"#,
            r#"{"v":1,"loads":[],"seen":[]}"#,
            r#"[["v2"],["load","-1","5"]]"#,
            r#"[["v2"],["load","1","noon"]]"#,
            r#"[["v2"],["cookie","a","1.5"]]"#,
            r#"[["v2"],["load","1"]]"#,
            r#"[["v2"],["tick","1","5"]]"#,
            r#"[["v2"],[1,5]]"#,
        ] {
            assert_eq!(Seen::from_saved(Some(junk)), Seen::default(), "{junk}");
        }
    }
}
