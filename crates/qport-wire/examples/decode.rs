//! Decodes kdb+ IPC messages given as hex arguments (or hex lines on standard input) and
//! prints each message's kind and value — handy for reading captured traffic.
//!
//! `cargo run -p qport-wire --example decode -- 0100000011000000f90200000000000000`

use std::io::BufRead;

use qport_wire::{decode_message, DecodeLimits};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let lines: Vec<String> = if args.is_empty() {
        std::io::stdin()
            .lock()
            .lines()
            .map_while(Result::ok)
            .collect()
    } else {
        args
    };
    let mut failed = false;
    for line in lines.iter().map(|l| l.trim()).filter(|l| !l.is_empty()) {
        match parse_hex(line) {
            None => {
                eprintln!("not hex: {line}");
                failed = true;
            }
            Some(bytes) => match decode_message(&bytes, &DecodeLimits::DEFAULT) {
                Ok(message) => println!("{:?} {:?}", message.kind, message.value),
                Err(error) => {
                    eprintln!("'{} ({error})", error.q_text());
                    failed = true;
                }
            },
        }
    }
    std::process::exit(i32::from(failed));
}

fn parse_hex(text: &str) -> Option<Vec<u8>> {
    let text = text.strip_prefix("0x").unwrap_or(text);
    if text.len() % 2 != 0 {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}
