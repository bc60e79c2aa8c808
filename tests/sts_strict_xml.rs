//! The STS XML reader takes one complete, well-formed document and nothing
//! else: a table with one case per malformed shape, the byte-order-mark cases,
//! error headlines that name the protocol, and a differential against
//! `roxmltree` (a strict, conforming parser): over generated documents, every
//! one this crate accepts, `roxmltree` accepts too.
#![cfg(feature = "sts")]

use proptest::prelude::*;
use ssooidc_token::sts::{AssumeRoleResponse, StsError};
use ssooidc_token::{ExposeSecret, ParseErrorKind, ResponseErrorKind, Syntax};

const HEAD: &str = r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser><Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>"#;
const TAIL: &str = "</SecretAccessKey><SessionToken>TOKENxVALUE</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>";
const ERROR: &str = r#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>no</Message></Error><RequestId>r-1</RequestId></ErrorResponse>"#;

fn answer(secret: &str) -> String {
    format!("{HEAD}{secret}{TAIL}")
}

/// An answer with `before` in front of its root and `inside` as the first
/// content of `AssumeRoleResult`.
fn around_answer(before: &str, inside: &str) -> String {
    format!("{before}{}", answer("KEY")).replacen(
        "<AssumeRoleResult>",
        &format!("<AssumeRoleResult>{inside}"),
        1,
    )
}

fn syntax(xml: &[u8]) -> Syntax {
    let err = AssumeRoleResponse::from_xml(xml).expect_err("refused");
    match err.kind() {
        ParseErrorKind::Syntax(s) => *s,
        other => panic!("{other:?} for {:?}", String::from_utf8_lossy(xml)),
    }
}

#[test]
fn a_well_formed_answer_with_declaration_comments_and_space_is_read() {
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- before -->\n{}\n<!-- after -->\n",
        answer("KEY<!-- inside -->VALUE")
    );
    let response = AssumeRoleResponse::from_xml(xml.as_bytes()).unwrap();
    assert_eq!(
        response.credentials().secret_access_key().expose_secret(),
        "KEYVALUE"
    );
    assert!(StsError::from_xml(403, ERROR.as_bytes()).is_ok());
}

#[test]
fn each_malformed_shape_is_refused() {
    let good = answer("SECRET");
    let truncated = good.trim_end_matches("</AssumeRoleResult></AssumeRoleResponse>");
    let cases: Vec<(String, Syntax)> = vec![
        // Truncated: closing tags of the result and the root missing.
        (truncated.to_owned(), Syntax::TruncatedXml),
        (good[..good.len() - 1].to_owned(), Syntax::InvalidXml),
        // Outside the root: text, references, CDATA, processing instructions,
        // a document type, a second root.
        (format!("x{good}"), Syntax::ContentOutsideRoot),
        (format!("{good}junk"), Syntax::ContentOutsideRoot),
        (format!("{good}&amp;"), Syntax::ContentOutsideRoot),
        (format!("&#65;{good}"), Syntax::ContentOutsideRoot),
        (format!("{good}<![CDATA[x]]>"), Syntax::ContentOutsideRoot),
        (format!("<?pi x?>{good}"), Syntax::ContentOutsideRoot),
        (
            format!("<!DOCTYPE AssumeRoleResponse>{good}"),
            Syntax::ContentOutsideRoot,
        ),
        (format!("{good}<Other/>"), Syntax::TrailingCharacters),
        // The declaration anywhere but first.
        (
            format!(" <?xml version=\"1.0\"?>{good}"),
            Syntax::InvalidXml,
        ),
        // Raw characters XML does not allow, in the secret.
        (answer("SEC\0RET"), Syntax::XmlForbiddenCharacter),
        (answer("SEC\u{1}RET"), Syntax::XmlForbiddenCharacter),
        (answer("SEC\u{1b}RET"), Syntax::XmlForbiddenCharacter),
        (answer("SEC\u{ffff}RET"), Syntax::XmlForbiddenCharacter),
        (answer("SEC\u{fffe}RET"), Syntax::XmlForbiddenCharacter),
        // Malformed attributes and names.
        (
            good.replacen(
                "<AssumeRoleResponse xmlns",
                "<AssumeRoleResponse a= xmlns",
                1,
            ),
            Syntax::InvalidXml,
        ),
        (
            good.replacen(
                "<AssumeRoleResponse xmlns",
                "<AssumeRoleResponse a=1 xmlns",
                1,
            ),
            Syntax::InvalidXml,
        ),
        (
            good.replacen(
                "<AssumeRoleResponse xmlns",
                "<AssumeRoleResponse a=\"1\" a=\"2\" xmlns",
                1,
            ),
            Syntax::InvalidXml,
        ),
        (
            good.replacen(
                "<AssumeRoleResponse xmlns",
                "<AssumeRoleResponse a=\"<\" xmlns",
                1,
            ),
            Syntax::InvalidXml,
        ),
        (
            good.replacen(
                "<AssumeRoleResponse xmlns",
                "<AssumeRoleResponse a=\"&bogus;\" xmlns",
                1,
            ),
            Syntax::InvalidXml,
        ),
        (
            good.replacen("<AssumedRoleUser>", "<AssumedRoleUser><1x/>", 1),
            Syntax::InvalidXml,
        ),
        // `--` inside a comment, outside the root and inside a value.
        (format!("<!-- a -- b -->{good}"), Syntax::InvalidXml),
        (answer("SEC<!-- a -- b -->RET"), Syntax::InvalidXml),
        // `]]>` in character data, and an unknown reference between elements.
        (answer("SEC]]>RET"), Syntax::InvalidXml),
        (
            good.replacen("<AssumeRoleResult>", "<AssumeRoleResult>&bogus;", 1),
            Syntax::InvalidXmlReference,
        ),
    ];
    for (xml, expected) in cases {
        assert_eq!(syntax(xml.as_bytes()), expected, "{xml:?}");
        let err = AssumeRoleResponse::from_xml(xml.as_bytes()).unwrap_err();
        assert!(!err.to_string().contains("SEC"), "{err}");
    }
    // The same reader serves STS error bodies.
    let truncated_error = ERROR.trim_end_matches("</ErrorResponse>");
    for xml in [
        truncated_error.to_owned(),
        format!("{ERROR}junk"),
        ERROR.replace("AccessDenied", "Access\u{1}Denied"),
    ] {
        assert!(StsError::from_xml(403, xml.as_bytes()).is_err(), "{xml:?}");
    }
}

/// Namespaces in XML 1.0: no two attributes with the same namespace and local
/// part, whatever their prefixes (section 6.3), and the reserved namespaces
/// bound only as the rules say (section 3). Each verdict is also roxmltree's.
#[test]
fn namespace_rules_hold_by_expanded_name() {
    const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
    const XMLNS_NS: &str = "http://www.w3.org/2000/xmlns/";
    let root = |attributes: &str| {
        answer("KEY").replacen(
            "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"",
            &format!("<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"{attributes}"),
            1,
        )
    };
    let cases = [
        // Two prefixes, one namespace.
        (root(r#" xmlns:a="u" xmlns:b="u" a:x="1" b:x="2""#), false),
        // The same namespace name once references are read...
        (
            root(r#" xmlns:a="u" xmlns:b="&#117;" a:x="1" b:x="2""#),
            false,
        ),
        // ...and once white space is normalized (a tab written as such is a
        // space, and so are a line end, CR LF, and a lone CR).
        (
            root(" xmlns:a=\"a b\" xmlns:b=\"a\tb\" a:x=\"1\" b:x=\"2\""),
            false,
        ),
        (
            root(" xmlns:a=\"a b\" xmlns:b=\"a\r\nb\" a:x=\"1\" b:x=\"2\""),
            false,
        ),
        (
            root(" xmlns:a=\"a b\" xmlns:b=\"a\rb\" a:x=\"1\" b:x=\"2\""),
            false,
        ),
        (
            root(" xmlns:a=\"a  b\" xmlns:b=\"a\r\n\nb\" a:x=\"1\" b:x=\"2\""),
            false,
        ),
        // A declaration on the parent, another on the element.
        (
            root(r#" xmlns:a="u""#).replacen(
                "<AssumeRoleResult>",
                r#"<AssumeRoleResult xmlns:b="u" a:x="1" b:x="2">"#,
                1,
            ),
            false,
        ),
        // Reserved namespaces.
        (root(&format!(r#" xmlns:a="{XML_NS}""#)), false),
        (root(r#" xmlns:xml="u""#), false),
        (root(&format!(r#" xmlns:a="{XMLNS_NS}""#)), false),
        (
            answer("KEY").replacen(
                "<AssumeRoleResult>",
                &format!(r#"<AssumeRoleResult xmlns="{XML_NS}">"#),
                1,
            ),
            false,
        ),
        // Allowed: different namespaces, a character reference to a tab (not
        // normalized), a prefixed and an unprefixed name, a redeclared prefix
        // on the child, `xml` bound to its own namespace.
        (root(r#" xmlns:a="u" xmlns:b="v" a:x="1" b:x="2""#), true),
        (
            root(" xmlns:a=\"a&#9;b\" xmlns:b=\"a b\" a:x=\"1\" b:x=\"2\""),
            true,
        ),
        // CR LF is one space, not two.
        (
            root(" xmlns:a=\"a  b\" xmlns:b=\"a\r\nb\" a:x=\"1\" b:x=\"2\""),
            true,
        ),
        (root(r#" xmlns:a="u" a:x="1" x="2" xml:x="3""#), true),
        (
            root(r#" xmlns:a="u""#).replacen(
                "<AssumeRoleResult>",
                r#"<AssumeRoleResult xmlns:a="v" xmlns:b="u" a:x="1" b:x="2">"#,
                1,
            ),
            true,
        ),
        (root(&format!(r#" xmlns:xml="{XML_NS}""#)), true),
    ];
    for (doc, accepted) in cases {
        if accepted {
            AssumeRoleResponse::from_xml(doc.as_bytes()).unwrap();
        } else {
            assert_eq!(syntax(doc.as_bytes()), Syntax::InvalidXml, "{doc}");
        }
        assert_eq!(
            roxmltree::Document::parse(&doc).is_ok(),
            accepted,
            "roxmltree: {doc}"
        );
    }
}

/// What the reader checks beyond the leaves it reads, each verdict also
/// roxmltree's: names by XML 1.0's character classes (not every non-ASCII
/// character is a name character), processing instructions and the XML
/// declaration by their grammar, and legal forms that were once refused (a
/// character reference with leading zeros, `]]>` in an attribute value).
#[test]
fn names_declarations_and_processing_instructions_follow_the_grammar() {
    let doc = around_answer;
    let cases = [
        (doc("", "<é-·x/>"), true),
        (doc("", "<×/>"), false),
        (doc("", "<a×/>"), false),
        (doc("", "<a\u{300}/>"), true),
        (doc("", "<\u{300}a/>"), false),
        (doc("", "<x é=\"1\"/>"), true),
        (doc("", "<x ×=\"1\"/>"), false),
        (doc("", "<?pi data?>"), true),
        (doc("", "<?pi?>"), true),
        (doc("", "<?1?>"), false),
        (doc("", "<? ?>"), false),
        (doc("<?xml version=\"1.0\"?>", ""), true),
        (
            doc(
                "<?xml version='1.1' encoding='utf-8' standalone='yes' ?>",
                "",
            ),
            true,
        ),
        (doc("<?xml encoding=\"UTF-8\"?>", ""), false),
        (doc("<?xml version=\"2.0\"?>", ""), false),
        (
            doc("<?xml version=\"1.0\" standalone=\"maybe\"?>", ""),
            false,
        ),
        (
            doc(
                "<?xml version=\"1.0\" standalone=\"no\" encoding=\"UTF-8\"?>",
                "",
            ),
            false,
        ),
        (doc("<?xml version=\"1.0\"encoding=\"UTF-8\"?>", ""), false),
        (doc("", "<x a=\"]]>\"/>"), true),
        (answer("A&#x000000041;&#0000066;"), true),
    ];
    for (doc, accepted) in cases {
        assert_eq!(
            AssumeRoleResponse::from_xml(doc.as_bytes()).is_ok(),
            accepted,
            "{doc}"
        );
        assert_eq!(
            roxmltree::Document::parse(&doc).is_ok(),
            accepted,
            "roxmltree: {doc}"
        );
    }
    // Stricter than roxmltree, as XML 1.0 says: `PITarget` excludes `xml` in
    // any case (section 2.6), `VersionNum` is `1.` and digits (2.8), and
    // `EncName` starts with a letter (4.3.3).
    for stricter in [
        doc("", "<?XmL data?>"),
        doc("<?xml version=\"1.\"?>", ""),
        doc("<?xml version=\"1.0\" encoding=\"8bit\"?>", ""),
    ] {
        assert!(
            AssumeRoleResponse::from_xml(stricter.as_bytes()).is_err(),
            "{stricter}"
        );
    }
    let read = AssumeRoleResponse::from_xml(answer("A&#x000000041;&#0000066;").as_bytes()).unwrap();
    assert_eq!(
        read.credentials().secret_access_key().expose_secret(),
        "AAB"
    );
}

/// The whole document is UTF-8, not only the leaves read: a stray byte in a
/// comment, an attribute value, an unknown element or text between elements is
/// refused at its offset.
#[test]
fn a_byte_that_is_not_utf8_is_refused_wherever_it_is() {
    for (before, inside) in [
        ("<!-- \u{1} -->", ""),
        ("", "<x a=\"\u{1}\"/>"),
        ("", "<Unknown>\u{1}</Unknown>"),
        ("", "<!-- \u{1} -->"),
        ("", "<?pi \u{1}?>"),
    ] {
        let text = around_answer(before, inside);
        // U+0001 stands in for the bad byte, so that the offset is known.
        let at = text.find('\u{1}').unwrap();
        let mut bytes = text.into_bytes();
        bytes[at] = 0xFF;
        let err = AssumeRoleResponse::from_xml(&bytes).unwrap_err();
        assert_eq!(err.kind(), &ParseErrorKind::Syntax(Syntax::InvalidUtf8));
        assert_eq!(err.offset(), Some(at));
    }
}

/// A known element appears once in its parent, parents included: two
/// `<Credentials>` blocks are refused, not merged into one (the SDK would keep
/// the second; a key from one and a token from the other would be a session
/// nobody was given).
#[test]
fn a_repeated_parent_element_is_refused_not_merged() {
    let split = answer("KEY").replacen(
        "<SessionToken>",
        "</Credentials><Credentials><SessionToken>",
        1,
    );
    let err = AssumeRoleResponse::from_xml(split.as_bytes()).unwrap_err();
    assert_eq!(err.kind(), &ParseErrorKind::Duplicate);
    assert_eq!(err.member(), Some("Credentials"));
    assert_eq!(
        err.offset(),
        split.find("<Credentials><SessionToken>"),
        "{split}"
    );
    let twice = ERROR.replacen(
        "<RequestId>",
        "<Error><Code>Other</Code></Error><RequestId>",
        1,
    );
    let err = StsError::from_xml(403, twice.as_bytes()).unwrap_err();
    let reason = err.reason();
    assert_eq!(reason.kind(), &ParseErrorKind::Duplicate);
    // The repeated parent is named, at its start tag (before its repeated
    // `Code` leaf is read).
    assert_eq!(reason.member(), Some("Error"));
    assert_eq!(reason.offset(), twice.find("<Error><Code>Other"));
}

#[test]
fn one_byte_order_mark_is_read_and_two_are_refused() {
    let good = answer("SECRET");
    let one = format!("\u{feff}{good}");
    let response = AssumeRoleResponse::from_xml(one.as_bytes()).unwrap();
    assert_eq!(
        response.credentials().secret_access_key().expose_secret(),
        "SECRET"
    );
    let two = format!("\u{feff}\u{feff}{good}");
    assert_eq!(syntax(two.as_bytes()), Syntax::ContentOutsideRoot);
    let error = format!("\u{feff}{ERROR}");
    assert_eq!(
        StsError::from_xml(403, error.as_bytes()).unwrap().code(),
        "AccessDenied"
    );
    let error = format!("\u{feff}\u{feff}{ERROR}");
    assert!(StsError::from_xml(403, error.as_bytes()).is_err());
}

#[test]
fn headlines_name_the_protocol_and_what_happened() {
    let cases: [(String, &str); 3] = [
        (
            AssumeRoleResponse::from_http(200, b"{\"not\":\"xml\"}")
                .unwrap_err()
                .to_string(),
            "HTTP 200 success response of STS could not be read",
        ),
        (
            AssumeRoleResponse::from_http(502, b"<html><body>Bad Gateway</body></html>")
                .unwrap_err()
                .to_string(),
            "HTTP 502 response is not an STS error body",
        ),
        (
            ssooidc_token::CreateTokenResponse::from_http(200, b"{\"accessToken\":")
                .unwrap_err()
                .to_string(),
            "HTTP 200 success response of the OIDC service could not be read",
        ),
    ];
    for (got, want) in cases {
        assert_eq!(got, want);
    }
    let err = AssumeRoleResponse::from_http(502, b"<html></html>").unwrap_err();
    assert!(matches!(err.kind(), ResponseErrorKind::Unreadable(_)));
}

/// Pieces a mutation inserts: markup of every kind, right and wrong.
const PIECES: &[&str] = &[
    "<",
    ">",
    "</",
    "/>",
    "&amp;",
    "&bogus;",
    "&#65;",
    "&#x1;",
    "&#xZZ;",
    "&",
    ";",
    "<![CDATA[x]]>",
    "]]>",
    "<!-- c -->",
    "<!-- a -- b -->",
    "<!--",
    "-->",
    "<?pi x?>",
    "<?xml version=\"1.0\"?>",
    "<!DOCTYPE x>",
    "\u{0}",
    "\u{1}",
    "\u{ffff}",
    "\u{feff}",
    "a=",
    " a=\"1\"",
    " a='2'",
    "\"",
    "'",
    "<x/>",
    "<x>",
    "</x>",
    // Namespace prefixes, declared and not.
    "<p:x/>",
    "<p:x xmlns:p=\"u\"/>",
    " p:a=\"1\"",
    " xmlns:p=\"u\"",
    " xml:lang=\"en\"",
    " xmlns:q=\"u\" q:a=\"2\"",
    " xmlns:p=\"&#117;\" p:a=\"1\"",
    "p:",
    ":",
    "<1>",
    "< x>",
    " ",
    "\n",
    "\t",
    "=",
    "x",
    "é",
    // Names by XML 1.0's character classes, declarations and processing
    // instructions by their grammar.
    "×",
    "·",
    "<é/>",
    "<×/>",
    "<?1?>",
    "<? ?>",
    "<?XML a?>",
    "<?xml-stylesheet a?>",
    "<?xml encoding=\"UTF-8\"?>",
    "<?xml version=\"1.0\" standalone=\"maybe\"?>",
    " a=\"]]>\"",
    "&#x000000041;",
];

fn mutate(base: &str, edits: &[(usize, usize, usize)]) -> String {
    let mut doc = base.to_owned();
    for &(at, piece, cut) in edits {
        let mut at = at % (doc.len() + 1);
        while !doc.is_char_boundary(at) {
            at -= 1;
        }
        match cut % 4 {
            // Delete a short run.
            0 => {
                let mut end = (at + cut / 4 % 24).min(doc.len());
                while !doc.is_char_boundary(end) {
                    end += 1;
                }
                doc.replace_range(at..end, "");
            }
            _ => doc.insert_str(at, PIECES[piece % PIECES.len()]),
        }
    }
    doc
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4_000, ..ProptestConfig::default() })]

    /// Every document this crate accepts is well formed by `roxmltree`.
    #[test]
    fn nothing_a_strict_parser_refuses_is_accepted(
        error_body in any::<bool>(),
        edits in prop::collection::vec((any::<usize>(), any::<usize>(), any::<usize>()), 1..4),
    ) {
        let base = if error_body { ERROR.to_owned() } else { answer("SECRETxKEY") };
        let doc = mutate(&base, &edits);
        let ours = if error_body {
            StsError::from_xml(403, doc.as_bytes()).is_ok()
        } else {
            AssumeRoleResponse::from_xml(doc.as_bytes()).is_ok()
        };
        if ours {
            // roxmltree takes no byte-order mark; one is fine for both.
            let text = doc.strip_prefix('\u{feff}').unwrap_or(&doc);
            prop_assert!(roxmltree::Document::parse(text).is_ok(), "accepted, not well formed: {:?}", doc);
        }
    }
}

/// The differential is not vacuous: a good share of generated documents is
/// accepted (and so compared), and a good share refused.
#[test]
fn the_generated_documents_mix_accepted_and_refused() {
    let mut accepted = 0;
    let mut refused = 0;
    let base = answer("SECRETxKEY");
    for i in 0..2_000usize {
        let edits = [(
            i.wrapping_mul(7919),
            i.wrapping_mul(31),
            i.wrapping_mul(17) + 1,
        )];
        let doc = mutate(&base, &edits);
        let ours = AssumeRoleResponse::from_xml(doc.as_bytes()).is_ok();
        let strict = roxmltree::Document::parse(&doc).is_ok();
        assert!(!ours || strict, "{doc:?}");
        if ours {
            accepted += 1;
        } else {
            refused += 1;
        }
    }
    assert!(
        accepted > 200 && refused > 200,
        "{accepted} accepted, {refused} refused"
    );
}
