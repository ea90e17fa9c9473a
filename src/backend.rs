//! Which backend answers the page, and how the page finds out whether a real server is
//! there: pure, so the lab's boot (`lab.rs`) and the interface (`ui/`) both read it and
//! neither depends on the other for it.

use crumbs_protocol::api::HealthBody;
use crumbs_protocol::Exchange;

/// Which backend answers the page's requests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Backend {
    /// The mock server inside the page (the default: `make serve` needs nothing else).
    #[default]
    Mock,
    /// `crumbs-server`, over `fetch` at the page's own origin.
    Server,
}

/// The query parameter that keeps the backend choice: `?backend=server`.
pub const BACKEND_PARAM: &str = "backend";

/// `query` (a `location.search`, with or without its `?`) with the backend choice written
/// into it: `backend=server` for the real server, nothing for the default mock. Every other
/// parameter stays as it was, in order, so `?latency=0` survives a switch. Returns the new
/// search, with its `?`, or an empty string when nothing is left.
pub fn query_with_backend(query: &str, backend: Backend) -> String {
    let mut pairs: Vec<&str> = query
        .trim_start_matches('?')
        .split('&')
        .filter(|pair| !pair.is_empty())
        .filter(|pair| pair.split_once('=').map_or(*pair, |(key, _)| key) != BACKEND_PARAM)
        .collect();
    if backend == Backend::Server {
        pairs.push("backend=server");
    }
    if pairs.is_empty() {
        String::new()
    } else {
        format!("?{}", pairs.join("&"))
    }
}

/// Where a real server says which backend and store answer.
pub const HEALTH_PATH: &str = "/api/health";

/// Whether a real server answers at this origin, as `GET /api/health` told.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ServerProbe {
    /// The answer has not come yet.
    #[default]
    Looking,
    /// `crumbs-server` answered, keeping its sessions in `store`.
    Found { store: String },
    /// Something else answered, or nothing: the exchange's one-line summary, and why a
    /// `200` is not the server's.
    Absent { answer: String },
}

/// Reads the answer to `GET /api/health`: only `crumbs-server`'s own body counts, so a
/// static server's 404 or `trunk serve`'s index page (its fallback for unknown paths)
/// never offers a real server that is not there.
pub fn probe_result(exchange: &Exchange) -> ServerProbe {
    let response = &exchange.response;
    if response.status == 200 {
        if let Ok(health) = serde_json::from_str::<HealthBody>(&response.body) {
            if health.backend == "server" {
                return ServerProbe::Found {
                    store: health.store,
                };
            }
        }
    }
    // `trunk serve` answers unknown paths with its index page, 200 OK: say why that is no
    // server, or the line would read as a contradiction.
    let answer = if response.status == 200 {
        format!("{}, but not crumbs-server's answer", exchange.summary())
    } else {
        exchange.summary()
    };
    ServerProbe::Absent { answer }
}

/// The real server's store as people say it, from `/api/health`'s `store`.
pub fn store_words(store: &str) -> String {
    match store {
        "sqlite" => "SQLite, a database file on the server's disk, so sessions outlive a \
                     server restart"
            .to_owned(),
        "memory" => "the server's own memory, so a server restart forgets every session \
                     (started with --store memory)"
            .to_owned(),
        "redis" => "Redis, shared by every server instance behind this address (started \
                    with --redis)"
            .to_owned(),
        other => format!("a store it calls “{other}”"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crumbs_protocol::Request;

    fn health(status: u16, body: &str) -> Exchange {
        Exchange {
            request: Request::get(HEALTH_PATH),
            response: crumbs_protocol::Response {
                status,
                headers: Default::default(),
                body: body.to_owned(),
            },
            notes: Vec::new(),
        }
    }

    #[test]
    fn only_the_real_servers_own_health_answer_offers_it() {
        assert_eq!(
            probe_result(&health(200, r#"{"backend":"server","store":"sqlite"}"#)),
            ServerProbe::Found {
                store: "sqlite".into()
            }
        );
        // A 200 says why it is no server, or the page's line would contradict itself.
        let not_the_server = "GET /api/health → 200 OK, but not crumbs-server's answer";
        for (status, body, summary) in [
            (404, "", "GET /api/health → 404 Not Found"),
            // trunk serve answers unknown paths with the index page.
            (200, "<!DOCTYPE html><html>", not_the_server),
            (
                200,
                r#"{"backend":"mock","store":"memory"}"#,
                not_the_server,
            ),
            (200, r#"{"backend":"server"}"#, not_the_server),
            (
                503,
                r#"{"backend":"server","store":"sqlite"}"#,
                "GET /api/health → 503 Service Unavailable",
            ),
        ] {
            assert_eq!(
                probe_result(&health(status, body)),
                ServerProbe::Absent {
                    answer: summary.into()
                },
                "{status} {body}"
            );
        }
    }

    #[test]
    fn every_store_reads_as_words() {
        assert!(store_words("sqlite").starts_with("SQLite"));
        assert!(store_words("memory").contains("restart forgets"));
        assert!(store_words("redis").starts_with("Redis"));
        assert_eq!(store_words("etcd"), "a store it calls “etcd”");
    }

    #[test]
    fn the_backend_choice_is_written_into_the_query_keeping_the_rest() {
        for (query, backend, written) in [
            ("", Backend::Server, "?backend=server"),
            ("", Backend::Mock, ""),
            ("?", Backend::Mock, ""),
            ("?backend=server", Backend::Mock, ""),
            ("?backend=server", Backend::Server, "?backend=server"),
            ("?latency=0", Backend::Server, "?latency=0&backend=server"),
            (
                "?latency=0&backend=server&ttl=5",
                Backend::Mock,
                "?latency=0&ttl=5",
            ),
            (
                "?backend=mock&backend=server",
                Backend::Server,
                "?backend=server",
            ),
            ("latency=0", Backend::Mock, "?latency=0"),
            ("?a&&b=", Backend::Mock, "?a&b="),
        ] {
            let result = query_with_backend(query, backend);
            assert_eq!(result, written, "{query:?} with {backend:?}");
        }
    }
}
