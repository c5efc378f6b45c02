//! Arbitrary bytes as a message received in place (`DirectVector`), checked against the
//! decoder: whatever the in-place path takes, it must read to exactly the value
//! `deserialize` reads from the same bytes, in whatever pieces they arrive; and whatever it
//! takes, the decoder must accept.

#![no_main]

use libfuzzer_sys::fuzz_target;
use qport_wire::receive::{DirectVector, DIRECT_HEAD_LEN};

/// As the other targets: nothing over 16 MiB is allocated for one input.
const MAX_LEN: u64 = 16 << 20;

fuzz_target!(|data: &[u8]| {
    let Some(head) = data.get(..DIRECT_HEAD_LEN) else {
        return;
    };
    let head: &[u8; DIRECT_HEAD_LEN] = head.try_into().expect("14 bytes");
    let Some(mut direct) = DirectVector::for_message(head, MAX_LEN) else {
        return;
    };
    // The last byte chooses the piece size, so splits vary with the input.
    let piece = usize::from(data[data.len() - 1]).max(1);
    for chunk in data[DIRECT_HEAD_LEN..].chunks(piece) {
        if direct.is_complete() {
            break;
        }
        direct.fill_from(chunk);
    }
    let decoded = qport_wire::deserialize(data);
    if !direct.is_complete() {
        // Too few bytes for the length the header claims: the decoder refuses them too.
        assert!(
            decoded.is_err(),
            "the decoder took a message shorter than its header"
        );
        return;
    }
    let message = direct.finish().expect("complete");
    let taken = DIRECT_HEAD_LEN + (message.value.count() * item_width(&message.value));
    let whole = &data[..taken];
    let decoded = qport_wire::deserialize(whole).expect("the decoder accepts what was taken");
    assert!(decoded == message.value, "in place and decoded differ");
});

fn item_width(value: &qport_value::Value) -> usize {
    use qport_value::Value::*;
    match value {
        ByteVector(_) | CharVector(_) => 1,
        ShortVector(_) => 2,
        IntVector(_) | RealVector(_) | MonthVector(_) | DateVector(_) | MinuteVector(_)
        | SecondVector(_) | TimeVector(_) => 4,
        GuidVector(_) => 16,
        _ => 8,
    }
}
