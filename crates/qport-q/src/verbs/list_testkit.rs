//! Test support for the list primitives: q text evaluated by the interpreter, compared as
//! values with attributes ignored.

use qport_value::Value;

use crate::testing::eval;
use crate::verbs::list::list_match::same;

/// The value of q text, which must evaluate.
pub(crate) fn q(text: &str) -> Value {
    match eval(text) {
        Ok(v) => v,
        Err(e) => panic!("{text}: {e}"),
    }
}

/// `input` evaluates to a value matching `expected`'s (types exact, attributes ignored).
pub(crate) fn check(input: &str, expected: &str) {
    let got = q(input);
    let want = q(expected);
    assert!(
        same(&got, &want),
        "{input}\n  got:  {got:?}\n  want: {want:?}"
    );
}

/// `input` signals q's error `text`.
pub(crate) fn fails(input: &str, text: &str) {
    match eval(input) {
        Ok(v) => panic!("{input}: expected '{text}, got {v:?}"),
        Err(e) => assert_eq!(e.text(), text, "{input}"),
    }
}
