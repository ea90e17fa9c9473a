//! A round-robin TCP balancer: one address in front of several crumbs-server instances,
//! as a load balancer puts them behind one name. Each new connection goes to the next
//! instance in turn, so a browser's connections land on both, and only sessions kept in
//! a shared store (Redis) make that invisible to the user. Bytes pass through untouched:
//! `Cookie` and `Set-Cookie` arrive as sent.

use std::io::{self, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::thread;

use anyhow::Result;

/// Accepts on `listener` and hands connection number *n* to `backends[n % len]`, until
/// the process ends. A backend that refuses a connection is skipped for that
/// connection (the next one in turn is tried), so stopping one instance leaves the
/// address working.
pub fn serve(listener: TcpListener, backends: Vec<String>) -> Result<()> {
    anyhow::ensure!(!backends.is_empty(), "no backend to balance between");
    let mut turn = 0usize;
    for client in listener.incoming() {
        // One failed accept (a client that gave up, too many open files for a moment)
        // must not take the address down: say so and go on.
        let client = match client {
            Ok(client) => client,
            Err(error) => {
                eprintln!("crumbs-tools balance: could not accept a connection: {error}");
                continue;
            }
        };
        let start = turn;
        turn = turn.wrapping_add(1);
        let backends = backends.clone();
        thread::spawn(move || {
            // Try each backend once, starting with this connection's turn.
            let count = backends.len();
            let connected = (0..count)
                .map(|offset| &backends[start.wrapping_add(offset) % count])
                .find_map(|backend| TcpStream::connect(backend).ok());
            match connected {
                Some(backend) => {
                    let _ = splice(client, backend);
                }
                None => {
                    let mut client = client;
                    let _ = client.write_all(
                        b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    );
                }
            }
        });
    }
    Ok(())
}

/// Copies bytes both ways until each side has finished sending.
fn splice(client: TcpStream, backend: TcpStream) -> io::Result<()> {
    let (mut client_in, mut backend_out) = (client.try_clone()?, backend.try_clone()?);
    let upstream = thread::spawn(move || {
        let _ = io::copy(&mut client_in, &mut backend_out);
        let _ = backend_out.shutdown(Shutdown::Write);
    });
    let (mut backend_in, mut client_out) = (backend, client);
    let _ = io::copy(&mut backend_in, &mut client_out);
    let _ = client_out.shutdown(Shutdown::Write);
    let _ = upstream.join();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    /// A backend that answers every connection with its own name.
    fn named_backend(name: &'static str) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap().to_string();
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut stream = stream;
                let mut request = [0u8; 5];
                let _ = stream.read_exact(&mut request);
                let _ = stream.write_all(name.as_bytes());
            }
        });
        address
    }

    fn ask(address: &str) -> String {
        let mut stream = TcpStream::connect(address).unwrap();
        stream.write_all(b"hello").unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer
    }

    fn balancer(backends: Vec<String>) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap().to_string();
        thread::spawn(move || serve(listener, backends));
        address
    }

    #[test]
    fn connections_take_turns_between_the_backends() {
        let address = balancer(vec![named_backend("one"), named_backend("two")]);
        let answers: Vec<String> = (0..4).map(|_| ask(&address)).collect();
        assert_eq!(answers, ["one", "two", "one", "two"]);
    }

    #[test]
    fn a_stopped_backend_is_passed_over() {
        // A port nothing listens on: bound, then closed.
        let gone = {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().to_string()
        };
        let address = balancer(vec![gone, named_backend("alive")]);
        let answers: Vec<String> = (0..3).map(|_| ask(&address)).collect();
        assert_eq!(answers, ["alive", "alive", "alive"]);
    }
}
