//! Arbitrary bytes as a client's upgrade request and as a server's response, and the
//! request's extension offers to permessage-deflate negotiation.
//!
//! Parsing must never panic under any limit. A parsed head lies within the limit and the
//! input, and parses the same from exactly its own bytes; "read more" only below the limit,
//! "too long" only at it. A parsed request's 101 answer passes the client's checks for its
//! key, and negotiating its offers gives an answer the client side accepts with the same
//! parameters.

#![no_main]

use libfuzzer_sys::fuzz_target;
use qport_ws::deflate::{accept_response, negotiate, DeflateConfig};
use qport_ws::handshake::{
    parse_response, response_bytes, HandshakeError, HandshakeRequest, MAX_HANDSHAKE_LEN,
};

const MAX_LENS: [usize; 6] = [0, 1, 16, 300, MAX_HANDSHAKE_LEN, usize::MAX];

fuzz_target!(|data: &[u8]| {
    for max_len in MAX_LENS {
        match HandshakeRequest::parse(data, max_len) {
            Ok(Some((request, len))) => {
                assert!(len <= data.len() && len <= max_len);
                let again = HandshakeRequest::parse(&data[..len], len)
                    .expect("its own bytes parse")
                    .expect("complete");
                assert_eq!(again.1, len);
                assert_eq!(again.0.headers, request.headers);
                check_request(&request);
            }
            Ok(None) => assert!(data.len() < max_len, "read more at the limit"),
            Err(HandshakeError::HeadTooLong { max }) => {
                assert_eq!(max, max_len);
                assert!(data.len() >= max_len, "too long below the limit");
            }
            Err(_) => {}
        }
        let key = "dGhlIHNhbXBsZSBub25jZQ==";
        match parse_response(data, key, &["kxnodeflate".to_owned()], max_len) {
            Ok(Some((_, len))) => assert!(len <= data.len() && len <= max_len),
            Ok(None) => assert!(data.len() < max_len),
            Err(_) => {}
        }
    }
    // The bytes as an extension header value, offered and answered.
    if let Ok(offers) = std::str::from_utf8(data) {
        check_offers(offers);
    }
});

fn check_request(request: &HandshakeRequest) {
    let protocol = request.protocols.first().map(String::as_str);
    let answer = response_bytes(&request.key, protocol, None, &[]);
    let offered = request.protocols.clone();
    let (response, len) = parse_response(&answer, &request.key, &offered, MAX_HANDSHAKE_LEN)
        .expect("our 101 passes the client's checks")
        .expect("complete");
    assert_eq!(len, answer.len());
    assert_eq!(response.protocol.as_deref(), protocol);
    check_offers(&request.extensions);
}

fn check_offers(offers: &str) {
    let config = DeflateConfig::default();
    if let Some((params, answer)) = negotiate(offers, &config) {
        assert_eq!(
            accept_response(&answer, &config),
            Ok(params),
            "answer {answer:?}"
        );
    }
}
