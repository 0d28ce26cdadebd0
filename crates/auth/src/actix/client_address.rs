//! Whose request it is: the address of the user behind it, sent to
//! Cognito's threat protection. The peer's address, unless the peer is a
//! proxy the app trusts: then the nearest address in `X-Forwarded-For` that
//! is not a trusted proxy. Entries that an untrusted hop added are never
//! read, so a client cannot claim another address by sending the header
//! itself (actix-web's `realip_remote_addr` believes any client).

use std::net::IpAddr;

use actix_web::HttpRequest;
use ipnet::IpNet;

/// The user's address for `request`: the peer's, or what the proxies in
/// `trusted` say it is. `None` without a peer address (a test request).
///
/// ```
/// use actix_web::test::TestRequest;
/// let proxies: Vec<ipnet::IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
/// let request = TestRequest::default()
///     .peer_addr("10.1.2.3:40000".parse().unwrap())
///     .insert_header(("x-forwarded-for", "198.51.100.9"))
///     .to_http_request();
/// let user = auth::actix::client_address(&request, &proxies);
/// assert_eq!(user, Some("198.51.100.9".parse().unwrap()));
/// ```
pub fn client_address(request: &HttpRequest, trusted: &[IpNet]) -> Option<IpAddr> {
    let peer = request.peer_addr()?.ip();
    let hops: Vec<&str> = request
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .collect();
    Some(resolve(peer, &hops, trusted))
}

/// Walks the hops from the nearest: each trusted proxy vouches for the
/// address before it; the first untrusted one is the user.
fn resolve(peer: IpAddr, hops: &[&str], trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    let mut client = peer;
    for hop in hops.iter().rev() {
        if !is_trusted(&client) {
            break;
        }
        match hop.parse() {
            Ok(ip) => client = ip,
            // A trusted proxy wrote something that is no address: stop at it.
            Err(_) => break,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|n| n.parse().unwrap()).collect()
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_user_whatever_the_header_says() {
        assert_eq!(
            resolve(ip("192.0.2.1"), &["198.51.100.9"], &[]),
            ip("192.0.2.1")
        );
        let proxy = nets(&["10.0.0.0/8"]);
        // A forged header from a peer that is not a trusted proxy.
        assert_eq!(
            resolve(ip("192.0.2.1"), &["198.51.100.9"], &proxy),
            ip("192.0.2.1")
        );
    }

    #[test]
    fn a_trusted_proxy_vouches_for_the_address_before_it() {
        let proxies = nets(&["10.0.0.0/8", "127.0.0.1/32"]);
        assert_eq!(
            resolve(ip("10.1.2.3"), &["198.51.100.9"], &proxies),
            ip("198.51.100.9")
        );
        // Through two proxies; the user's own forged entry on the left is not read.
        assert_eq!(
            resolve(
                ip("127.0.0.1"),
                &["6.6.6.6", "198.51.100.9", "10.1.2.3"],
                &proxies
            ),
            ip("198.51.100.9")
        );
        // A proxy with nothing to say: the proxy itself.
        assert_eq!(resolve(ip("10.1.2.3"), &[], &proxies), ip("10.1.2.3"));
        // Garbage from a trusted hop stops the walk there.
        assert_eq!(
            resolve(ip("10.1.2.3"), &["not-an-ip"], &proxies),
            ip("10.1.2.3")
        );
        assert_eq!(
            resolve(ip("10.1.2.3"), &["2001:db8::1"], &proxies),
            ip("2001:db8::1")
        );
    }
}
