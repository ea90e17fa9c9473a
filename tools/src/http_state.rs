//! `crumbs-tools http-state DIR`: the public http-state cookie suite (its `tests/data`
//! folder) run against `MemoryJar` and `parse_cookie_date`. The suite stays where it is:
//! nothing of it is copied into the project.
//!
//! Each parser case reproduces what the suite's test server (`testserver.py`) and a
//! browser do: a request for `http://home.example.org:8888/cookie-parser?NAME` is answered
//! with the headers in `NAME-test` (each line read as `(\S+):\s*(.*)`), the browser stores
//! every `Set-Cookie`, follows the first `Location` (the server appends
//! `/cookie-parser-result?NAME` after the file's own headers) and sends the `Cookie` line
//! that `NAME-expected` holds; no `Cookie:` line there means no cookie is sent.

use std::path::Path;
use std::rc::Rc;

use anyhow::{Context, Result};
use crumbs_cookies::clock::ManualClock;
use crumbs_cookies::{format_http_date, parse_cookie_date, MemoryJar, Page, Source};

const HOST: &str = "home.example.org";

/// The suite's expectations date from its last commit (2017-08-09): it expects a cookie
/// that "expires" in 2019 to be sent, so its clock must be set before then.
const SUITE_NOW_MS: i64 = 1_502_236_800_000;

/// One case's outcome: its name, what the jar sent and what the suite expected.
pub struct Failure {
    pub name: String,
    pub got: String,
    pub expected: String,
}

pub struct Report {
    pub passed: usize,
    pub failures: Vec<Failure>,
}

pub fn run(dir: &Path) -> Result<()> {
    let parser = run_parser_cases(&dir.join("parser"))?;
    let dates = run_date_cases(&dir.join("dates"))?;
    for (suite, report) in [("parser", &parser), ("dates", &dates)] {
        for failure in &report.failures {
            println!(
                "FAIL {suite}/{}\n     got:      {:?}\n     expected: {:?}",
                failure.name, failure.got, failure.expected
            );
        }
    }
    for (suite, report) in [("parser", &parser), ("dates", &dates)] {
        println!(
            "http-state {suite}: {} passed, {} failed",
            report.passed,
            report.failures.len()
        );
    }
    Ok(())
}

pub fn run_parser_cases(dir: &Path) -> Result<Report> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().into_string().ok()?;
            name.strip_suffix("-test").map(str::to_owned)
        })
        .collect();
    names.sort();
    let mut report = Report {
        passed: 0,
        failures: Vec::new(),
    };
    for name in names {
        let test = std::fs::read(dir.join(format!("{name}-test")))
            .with_context(|| format!("reading {name}-test"))?;
        let expected = std::fs::read(dir.join(format!("{name}-expected")))
            .with_context(|| format!("reading {name}-expected"))?;
        let got = run_parser_case(&name, &test);
        let expected = expected_cookie(&expected);
        if got == expected {
            report.passed += 1;
        } else {
            report.failures.push(Failure {
                name,
                got,
                expected,
            });
        }
    }
    Ok(report)
}

/// The `Cookie` line sent to the result page after the headers in `test`; empty when no
/// cookie is sent.
pub fn run_parser_case(name: &str, test: &[u8]) -> String {
    let clock = ManualClock::at(SUITE_NOW_MS);
    let jar = MemoryJar::new(Page::new(HOST, "/cookie-parser", false), Rc::new(clock));
    let mut location = None;
    for line in test.split(|&b| b == b'\n') {
        let Some((header, value)) = header_line(line) else {
            continue;
        };
        // The browser's HTTP parser drops the whitespace around a field value.
        let value = String::from_utf8_lossy(value);
        let value = value.trim_matches([' ', '\t']);
        if header.eq_ignore_ascii_case(b"set-cookie") {
            jar.apply(value, Source::Server);
        } else if header.eq_ignore_ascii_case(b"location") && location.is_none() {
            location = Some(value.to_owned());
        }
    }
    let location = location.unwrap_or_else(|| format!("/cookie-parser-result?{name}"));
    jar.set_page(result_page(&location));
    jar.cookie_header()
}

/// Python's `re.findall('(\S+):\s*(.*)', line)[0]` on one line (bytes, `\s` being
/// space, tab, CR, LF, FF and VT): the header name is the longest run of non-space bytes
/// ending before a `:`.
fn header_line(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let is_space = |b: u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n' | 0x0b | 0x0c);
    let mut start = 0;
    while start < line.len() {
        if is_space(line[start]) {
            start += 1;
            continue;
        }
        let end = line[start..]
            .iter()
            .position(|&b| is_space(b))
            .map_or(line.len(), |at| start + at);
        if let Some(colon) = line[start + 1..end].iter().rposition(|&b| b == b':') {
            let colon = start + 1 + colon;
            let mut value = colon + 1;
            while value < line.len() && is_space(line[value]) {
                value += 1;
            }
            return Some((&line[start..colon], &line[value..]));
        }
        start = end;
    }
    None
}

/// The page a `Location` leads to: an absolute `http://host:port/path?query`, or a path on
/// the suite's host. The query is not part of the path cookies are matched against.
fn result_page(location: &str) -> Page {
    let (host, rest) = match location.strip_prefix("http://") {
        Some(rest) => {
            let at = rest.find('/').unwrap_or(rest.len());
            let authority = &rest[..at];
            let host = authority.split(':').next().unwrap_or(authority);
            (host, &rest[at..])
        }
        None => (HOST, location),
    };
    let path = rest.split(['?', '#']).next().unwrap_or(rest);
    let path = if path.is_empty() { "/" } else { path };
    Page::new(host, path, false)
}

/// `re.findall('Cookie:\s*(.*)', data)[0]`, or empty where the file holds no such line.
fn expected_cookie(data: &[u8]) -> String {
    let text = String::from_utf8_lossy(data);
    text.find("Cookie:")
        .map(|at| {
            let rest = &text[at + "Cookie:".len()..];
            let rest = rest.trim_start_matches([' ', '\t', '\r', '\n', '\x0b', '\x0c']);
            rest.split('\n').next().unwrap_or("").to_owned()
        })
        .unwrap_or_default()
}

pub fn run_date_cases(dir: &Path) -> Result<Report> {
    let mut report = Report {
        passed: 0,
        failures: Vec::new(),
    };
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    for file in files {
        let text = std::fs::read_to_string(&file)
            .with_context(|| format!("reading {}", file.display()))?;
        // One of the files opens with a `//` licence header, which JSON does not allow.
        let json: String = text
            .lines()
            .filter(|line| !line.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let cases: Vec<serde_json::Value> =
            serde_json::from_str(&json).with_context(|| format!("parsing {}", file.display()))?;
        let stem = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        for (index, case) in cases.iter().enumerate() {
            let test = case["test"].as_str().unwrap_or_default();
            let expected = case["expected"].as_str().unwrap_or("(ignored)");
            let got = parse_cookie_date(test)
                .map(format_http_date)
                .unwrap_or_else(|| "(ignored)".to_owned());
            if got == expected {
                report.passed += 1;
            } else {
                report.failures.push(Failure {
                    name: format!("{stem}#{index} {test:?}"),
                    got,
                    expected: expected.to_owned(),
                });
            }
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_lines_split_as_the_suite_server_splits_them() {
        for (line, expected) in [
            (
                &b"Set-Cookie: a=b"[..],
                Some((&b"Set-Cookie"[..], &b"a=b"[..])),
            ),
            (b"Set-Cookie:a=b:c", Some((b"Set-Cookie:a=b", b"c"))),
            (b"Set-Cookie:   a=b ", Some((b"Set-Cookie", b"a=b "))),
            (b"no colon here", None),
            (b"", None),
        ] {
            assert_eq!(header_line(line), expected, "{line:?}");
        }
    }

    #[test]
    fn the_result_page_is_where_location_points() {
        assert_eq!(
            result_page("http://hoMe.eXaMplE.org:8888/cookie-parser-result?x"),
            Page::new(HOST, "/cookie-parser-result", false)
        );
        assert_eq!(
            result_page("/cookie-parser-result/foo/qux?path0010"),
            Page::new(HOST, "/cookie-parser-result/foo/qux", false)
        );
    }

    #[test]
    fn a_missing_cookie_line_expects_no_cookie() {
        assert_eq!(expected_cookie(b""), "");
        assert_eq!(expected_cookie(b"Cookie: a=b\n"), "a=b");
    }

    #[test]
    fn a_case_runs_through_the_jar() {
        assert_eq!(
            run_parser_case(
                "x",
                b"Set-Cookie: a=b\nSet-Cookie: c=d; Path=/elsewhere\nLocation: /cookie-parser-result?x\n"
            ),
            "a=b"
        );
    }
}
