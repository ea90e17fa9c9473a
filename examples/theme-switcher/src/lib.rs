//! A light/dark theme switcher whose choice is the `theme` cookie: a picker and a preview
//! read it through `crumbs_yew::use_cookie`, and neither passes it to the other. They stay
//! in step because the hook follows the cookie, whoever changes it: the other component,
//! another tab (the cookie layer's watcher broadcasts each write to the origin's tabs), or
//! a script.

mod app;
mod picker;
mod preview;
mod theme;

pub use app::App;
pub use picker::ThemePicker;
pub use preview::ThemePreview;
pub use theme::{theme_options, Theme, THEME_COOKIE};
