//! The `-u`/`-U` password file: each entry form with the right and a wrong password, and
//! each way a file can be malformed.

use std::path::PathBuf;

use argon2::password_hash::{PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use qport_server::auth::{AuthError, FileAccess, PasswordFile};

/// kdb+'s documented example (docs/basics/cmdline.md): SHA-1 of `mypassword`.
const MYPASSWORD_SHA1: &str = "91dfd9ddb4198affc5c194cd8ce6d338fde470e2";
/// MD5 of `mypassword`, from Python's hashlib.
const MYPASSWORD_MD5: &str = "34819d7beeabb9260a5c854bc85b3e44";
/// argon2id of `mypassword` (m=1024 KiB, t=1, p=1), made once with the argon2 crate; the
/// reference C implementation (libargon2) verifies it too.
const MYPASSWORD_ARGON2ID: &str =
    "$argon2id$v=19$m=1024,t=1,p=1$cXBvcnQtdGVzdC1zYWx0IQ$dRGO6RXjdX+7rwyrY1W2s+EfnUAD6y3r7bqw0Fcm0RI";
/// argon2id of `correct horse` (m=512 KiB, t=2, p=1), made by libargon2's
/// `argon2id_hash_encoded`: a hash this crate did not write.
const CORRECT_HORSE_ARGON2ID_REFERENCE: &str =
    "$argon2id$v=19$m=512,t=2,p=1$cmVmZXJlbmNlLXNhbHQxNg$gL9MdI+c2fasDev09toJEH1S42FcPkROxX8uePOtAQk";

fn file(text: &str) -> PasswordFile {
    PasswordFile::parse(text, FileAccess::Unrestricted)
        .unwrap_or_else(|e| panic!("{text:?} did not parse: {e}"))
}

fn parse_error(text: &str) -> AuthError {
    match PasswordFile::parse(text, FileAccess::Unrestricted) {
        Ok(_) => panic!("{text:?} parsed"),
        Err(error) => error,
    }
}

/// A PHC string for `password` with parameters cheap enough for a test.
fn argon2id_phc(password: &[u8]) -> String {
    let params = Params::new(1024, 1, 1, None).expect("valid parameters");
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    let salt = SaltString::encode_b64(b"sixteen byte slt").expect("valid salt");
    argon2
        .hash_password(password, &salt)
        .expect("hashes")
        .to_string()
}

/// A file in the temporary directory, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, contents: &[u8]) -> TempFile {
        let path =
            std::env::temp_dir().join(format!("qport-auth-test-{}-{name}", std::process::id()));
        std::fs::write(&path, contents).expect("temporary file written");
        TempFile(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

// ---------------------------------------------------------------------------------------
// Entry forms
// ---------------------------------------------------------------------------------------

#[test]
fn plain_entry_accepts_its_password() {
    assert!(file("alice:secret\n").verify(b"alice", b"secret"));
}

#[test]
fn plain_entry_refuses_a_wrong_password() {
    let passwords = file("alice:secret\n");
    assert!(!passwords.verify(b"alice", b"secreT"));
    assert!(!passwords.verify(b"alice", b"secret "));
    assert!(!passwords.verify(b"alice", b"secre"));
    assert!(!passwords.verify(b"alice", b""));
}

#[test]
fn md5_entry_accepts_the_password() {
    let passwords = file(&format!("alice:{MYPASSWORD_MD5}\n"));
    assert!(passwords.verify(b"alice", b"mypassword"));
}

#[test]
fn md5_entry_refuses_a_wrong_password() {
    let passwords = file(&format!("alice:{MYPASSWORD_MD5}\n"));
    assert!(!passwords.verify(b"alice", b"mypasswore"));
    assert!(!passwords.verify(b"alice", MYPASSWORD_SHA1.as_bytes()));
}

#[test]
fn sha1_entry_accepts_the_documented_example() {
    let passwords = file(&format!("alice:{MYPASSWORD_SHA1}\n"));
    assert!(passwords.verify(b"alice", b"mypassword"));
}

#[test]
fn sha1_entry_refuses_a_wrong_password() {
    let passwords = file(&format!("alice:{MYPASSWORD_SHA1}\n"));
    assert!(!passwords.verify(b"alice", b"Mypassword"));
    assert!(!passwords.verify(b"alice", MYPASSWORD_MD5.as_bytes()));
}

#[test]
fn uppercase_md5_hex_is_accepted() {
    let passwords = file(&format!("alice:{}\n", MYPASSWORD_MD5.to_uppercase()));
    assert!(passwords.verify(b"alice", b"mypassword"));
}

#[test]
fn uppercase_sha1_hex_is_accepted() {
    let passwords = file(&format!("alice:{}\n", MYPASSWORD_SHA1.to_uppercase()));
    assert!(passwords.verify(b"alice", b"mypassword"));
}

#[test]
fn mixed_case_hex_is_accepted() {
    let mixed: String = MYPASSWORD_SHA1
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if i % 2 == 0 {
                c.to_ascii_uppercase()
            } else {
                c
            }
        })
        .collect();
    assert!(file(&format!("alice:{mixed}\n")).verify(b"alice", b"mypassword"));
}

#[test]
fn hex_entry_also_matches_as_plain_text() {
    // kdb+ does not say how it tells a 32-hex password from an MD5; both readings count.
    let passwords = file(&format!("alice:{MYPASSWORD_MD5}\nbob:{MYPASSWORD_SHA1}\n"));
    assert!(passwords.verify(b"alice", MYPASSWORD_MD5.as_bytes()));
    assert!(passwords.verify(b"bob", MYPASSWORD_SHA1.as_bytes()));
}

#[test]
fn hex_of_another_length_is_only_plain_text() {
    let short_md5 = &MYPASSWORD_MD5[..31];
    let passwords = file(&format!("alice:{short_md5}\n"));
    assert!(!passwords.verify(b"alice", b"mypassword"));
    assert!(passwords.verify(b"alice", short_md5.as_bytes()));
}

#[test]
fn argon2id_entry_made_here_accepts_the_password() {
    let passwords = file(&format!("alice:{}\n", argon2id_phc(b"hunter2")));
    assert!(passwords.verify(b"alice", b"hunter2"));
}

#[test]
fn argon2id_entry_made_here_refuses_a_wrong_password() {
    let passwords = file(&format!("alice:{}\n", argon2id_phc(b"hunter2")));
    assert!(!passwords.verify(b"alice", b"hunter3"));
    assert!(!passwords.verify(b"alice", b""));
}

#[test]
fn argon2id_with_default_parameters_accepts_the_password() {
    let salt = SaltString::encode_b64(b"default-params!!").expect("valid salt");
    let phc = Argon2::default()
        .hash_password(b"mypassword", &salt)
        .expect("hashes")
        .to_string();
    let passwords = file(&format!("alice:{phc}\n"));
    assert!(passwords.verify(b"alice", b"mypassword"));
    assert!(!passwords.verify(b"alice", b"mypasswore"));
}

#[test]
fn pinned_argon2id_literal_accepts_the_password() {
    let passwords = file(&format!("alice:{MYPASSWORD_ARGON2ID}\n"));
    assert!(passwords.verify(b"alice", b"mypassword"));
    assert!(!passwords.verify(b"alice", b"mypasswore"));
}

#[test]
fn argon2id_from_the_reference_implementation_accepts_the_password() {
    let passwords = file(&format!("alice:{CORRECT_HORSE_ARGON2ID_REFERENCE}\n"));
    assert!(passwords.verify(b"alice", b"correct horse"));
    assert!(!passwords.verify(b"alice", b"correct horse "));
}

#[test]
fn argon2id_entry_does_not_accept_itself_as_the_password() {
    let passwords = file(&format!("alice:{MYPASSWORD_ARGON2ID}\n"));
    assert!(!passwords.verify(b"alice", MYPASSWORD_ARGON2ID.as_bytes()));
}

#[test]
fn every_form_in_one_file() {
    let phc = argon2id_phc(b"four");
    let passwords = file(&format!(
        "a:one\nb:{}\nc:{}\nd:{phc}\n",
        "d41d8cd98f00b204e9800998ecf8427e",         // MD5 of ""
        "e5e9fa1ba31ecd1ae84f75caaa474f3a663f05f4", // SHA-1 of "secret"
    ));
    assert_eq!(passwords.len(), 4);
    assert!(passwords.verify(b"a", b"one"));
    assert!(passwords.verify(b"b", b""));
    assert!(passwords.verify(b"c", b"secret"));
    assert!(passwords.verify(b"d", b"four"));
    // One user's password does not open another's account.
    assert!(!passwords.verify(b"a", b"secret"));
    assert!(!passwords.verify(b"d", b"one"));
}

// ---------------------------------------------------------------------------------------
// Users and passwords
// ---------------------------------------------------------------------------------------

#[test]
fn unknown_user_is_refused() {
    let passwords = file("alice:secret\n");
    assert!(!passwords.verify(b"bob", b"secret"));
    assert!(!passwords.verify(b"", b"secret"));
    assert!(!passwords.verify(b"", b""));
    assert!(!passwords.contains_user(b"bob"));
}

#[test]
fn user_names_are_case_sensitive() {
    assert!(!file("alice:secret\n").verify(b"Alice", b"secret"));
}

#[test]
fn empty_password_entry_accepts_only_the_empty_password() {
    let passwords = file("alice:\n");
    assert!(passwords.verify(b"alice", b""));
    assert!(!passwords.verify(b"alice", b"x"));
}

#[test]
fn empty_password_is_refused_for_a_user_with_a_password() {
    assert!(!file("alice:secret\n").verify(b"alice", b""));
}

#[test]
fn password_containing_colons() {
    let passwords = file("alice:a:b:c\n");
    assert!(passwords.verify(b"alice", b"a:b:c"));
    assert!(!passwords.verify(b"alice:a", b"b:c"));
    assert!(!passwords.verify(b"alice", b"a"));
}

#[test]
fn md5_of_a_password_containing_colons() {
    // MD5 of "a:b:c", from Python's hashlib.
    let passwords = file("alice:02cc8f08398a4f3113b554e8105ebe4c\n");
    assert!(passwords.verify(b"alice", b"a:b:c"));
}

#[test]
fn empty_user_name_is_a_user() {
    // qPython sends ":" when it has no credentials.
    let passwords = file(":secret\n");
    assert!(passwords.contains_user(b""));
    assert!(passwords.verify(b"", b"secret"));
    assert!(!passwords.verify(b"", b""));
}

#[test]
fn spaces_in_a_password_are_kept() {
    let passwords = file("alice: pass word \n");
    assert!(passwords.verify(b"alice", b" pass word "));
    assert!(!passwords.verify(b"alice", b"pass word"));
}

#[test]
fn utf8_user_and_password() {
    let passwords = file("zoë:pässword\n");
    assert!(passwords.verify("zoë".as_bytes(), "pässword".as_bytes()));
}

// ---------------------------------------------------------------------------------------
// Layout
// ---------------------------------------------------------------------------------------

#[test]
fn blank_lines_are_skipped() {
    let passwords = file("\nalice:one\n\n  \n\tbob:two\n\n");
    assert_eq!(passwords.len(), 2);
    assert!(passwords.verify(b"alice", b"one"));
    // Only whole-blank lines are skipped; leading whitespace is part of the user name.
    assert!(passwords.verify(b"\tbob", b"two"));
}

#[test]
fn crlf_line_endings_are_tolerated() {
    let passwords = file(&format!("alice:one\r\nbob:{MYPASSWORD_SHA1}\r\n\r\n"));
    assert!(passwords.verify(b"alice", b"one"));
    assert!(!passwords.verify(b"alice", b"one\r"));
    assert!(passwords.verify(b"bob", b"mypassword"));
}

#[test]
fn last_line_without_newline() {
    assert!(file("alice:one\nbob:two").verify(b"bob", b"two"));
}

#[test]
fn empty_file_has_no_users() {
    let passwords = file("");
    assert!(passwords.is_empty());
    assert!(!passwords.verify(b"", b""));
}

#[test]
fn access_is_the_one_given() {
    assert_eq!(
        PasswordFile::parse("a:b", FileAccess::Restricted)
            .expect("parses")
            .access(),
        FileAccess::Restricted
    );
    assert_eq!(file("a:b").access(), FileAccess::Unrestricted);
}

// ---------------------------------------------------------------------------------------
// Malformed files
// ---------------------------------------------------------------------------------------

#[test]
fn line_without_colon_is_an_error_naming_the_line() {
    let error = parse_error("alice:one\n\nbob\n");
    assert!(
        matches!(error, AuthError::MissingColon { line: 3 }),
        "{error:?}"
    );
    assert!(error.to_string().contains("line 3"), "{error}");
}

#[test]
fn duplicate_user_is_an_error_naming_both_lines() {
    let error = parse_error("alice:one\nbob:two\nalice:three\n");
    match &error {
        AuthError::DuplicateUser {
            line,
            first_line,
            user,
        } => {
            assert_eq!((*line, *first_line, user.as_str()), (3, 1, "alice"));
        }
        other => panic!("{other:?}"),
    }
    assert!(error.to_string().contains("line 3"), "{error}");
}

#[test]
fn duplicate_user_with_the_same_password_is_still_an_error() {
    assert!(matches!(
        parse_error("alice:one\nalice:one\n"),
        AuthError::DuplicateUser { line: 2, .. }
    ));
}

#[test]
fn unparsable_phc_string_is_an_error_naming_the_line() {
    let error = parse_error("alice:one\nbob:$argon2id$nonsense\n");
    assert!(
        matches!(error, AuthError::BadPhc { line: 2, .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("line 2"), "{error}");
}

#[test]
fn phc_string_with_unusable_parameters_is_an_error() {
    // m must be at least 8 KiB per lane.
    let phc = "$argon2id$v=19$m=1,t=1,p=1$cXBvcnQtdGVzdC1zYWx0IQ$dRGO6RXjdX+7rwyrY1W2s+EfnUAD6y3r7bqw0Fcm0RI";
    assert!(matches!(
        parse_error(&format!("alice:{phc}\n")),
        AuthError::BadPhc { line: 1, .. }
    ));
}

#[test]
fn phc_string_without_a_hash_is_an_error() {
    let phc = "$argon2id$v=19$m=1024,t=1,p=1$cXBvcnQtdGVzdC1zYWx0IQ";
    assert!(matches!(
        parse_error(&format!("alice:{phc}\n")),
        AuthError::BadPhc { line: 1, .. }
    ));
}

#[test]
fn phc_string_of_another_algorithm_is_an_error() {
    let phc = "$argon2x$v=19$m=1024,t=1,p=1$cXBvcnQtdGVzdC1zYWx0IQ$dRGO6RXjdX+7rwyrY1W2s+EfnUAD6y3r7bqw0Fcm0RI";
    assert!(matches!(
        parse_error(&format!("alice:{phc}\n")),
        AuthError::BadPhc { line: 1, .. }
    ));
}

// ---------------------------------------------------------------------------------------
// Loading from disk
// ---------------------------------------------------------------------------------------

#[test]
fn load_reads_the_file() {
    let temp = TempFile::new(
        "load",
        format!("alice:{MYPASSWORD_SHA1}\nbob:two\n").as_bytes(),
    );
    let passwords = PasswordFile::load(&temp.0, FileAccess::Restricted).expect("loads");
    assert_eq!(passwords.access(), FileAccess::Restricted);
    assert!(passwords.verify(b"alice", b"mypassword"));
    assert!(passwords.verify(b"bob", b"two"));
}

#[test]
fn load_takes_bytes_that_are_not_utf8() {
    // Latin-1 "café": credentials are bytes on the wire, and so they are in the file.
    let temp = TempFile::new("latin1", b"caf\xe9:na\xefve\n");
    let passwords = PasswordFile::load(&temp.0, FileAccess::Unrestricted).expect("loads");
    assert!(passwords.verify(b"caf\xe9", b"na\xefve"));
}

#[test]
fn load_of_a_missing_file_is_an_io_error_naming_it() {
    let path = std::env::temp_dir().join(format!(
        "qport-auth-test-{}-does-not-exist",
        std::process::id()
    ));
    let error = PasswordFile::load(&path, FileAccess::Unrestricted).expect_err("missing");
    assert!(matches!(error, AuthError::Io { .. }), "{error:?}");
    assert!(error.to_string().contains("does-not-exist"), "{error}");
}

#[test]
fn load_reports_the_line_of_a_malformed_file() {
    let temp = TempFile::new("malformed", b"alice:one\nbob\n");
    assert!(matches!(
        PasswordFile::load(&temp.0, FileAccess::Unrestricted),
        Err(AuthError::MissingColon { line: 2 })
    ));
}
