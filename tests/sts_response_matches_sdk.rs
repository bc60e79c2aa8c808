//! `AssumeRoleResponse::from_xml` against `aws-sdk-sts`'s own reading of the
//! same answer (a client whose HTTP layer returns it): every value both read is
//! the same, over answers that use what STS's XML may hold (entities,
//! character references, comments, indentation, optional members, members
//! this crate does not read).
//!
//! Not compared: CDATA. `aws-smithy-xml` reads `<![CDATA[...]]>` as empty text;
//! this crate reads the section's content, as XML 1.0 defines it (STS does not
//! send CDATA; `sts_strict_xml` covers this crate's reading). Nor empty
//! credentials (`<AccessKeyId/>`, `<SessionToken></SessionToken>`), which the
//! SDK reads as empty strings and this crate refuses by name (a test below).
#![cfg(feature = "sts")]

use std::time::SystemTime;

mod common;

use common::sdk::{block_on, sts_client, Setup};
use ssooidc_token::sts::AssumeRoleResponse;
use ssooidc_token::ExposeSecret;

/// An answer around `credentials` (the inside of `<Credentials>`) and `extra`
/// (more members of `<AssumeRoleResult>`).
fn answer(credentials: &str, extra: &str) -> String {
    format!(
        r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser>
      <AssumedRoleId>AROA3XFRBF535PLBIFPI4:s3-access-example</AssumedRoleId>
      <Arn>arn:aws:sts::123456789012:assumed-role/xaccounts3access/s3-access-example</Arn>
    </AssumedRoleUser>
    <Credentials>{credentials}</Credentials>{extra}
  </AssumeRoleResult>
  <ResponseMetadata>
    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
  </ResponseMetadata>
</AssumeRoleResponse>
"#
    )
}

const PLAIN: &str = "<SecretAccessKey>9drTJvcXLB89EXAMPLELB8923FB892xMFI</SecretAccessKey>\
<SessionToken>AQoXdzELDDY//////////wEaoAK1wvxJY12r2IrDFT2IvAzTCn3zHoZ7YNtpiQLF0MqZye/qwjzP2iEXAMPLEbw==</SessionToken>\
<Expiration>2011-07-15T23:28:33.359Z</Expiration>\
<AccessKeyId>AKIAIOSFODNN7EXAMPLE</AccessKeyId>";

fn cases() -> Vec<String> {
    vec![
        answer(PLAIN, ""),
        answer(
            PLAIN,
            "<PackedPolicySize>6</PackedPolicySize><SourceIdentity>alice@example.com</SourceIdentity>",
        ),
        // Entities and character references inside the secrets.
        answer(
            "<AccessKeyId>ASIAEXAMPLE</AccessKeyId>\
             <SecretAccessKey>a&amp;b&lt;c&gt;d&quot;e&apos;f&#65;&#x42;</SecretAccessKey>\
             <SessionToken>tok&#x2F;en+/=</SessionToken>\
             <Expiration>2030-01-01T00:00:00Z</Expiration>",
            "",
        ),
        // A comment, and a member this crate does not read.
        answer(
            "<AccessKeyId>ASIAEXAMPLE</AccessKeyId>\
             <!-- a comment -->\
             <SecretAccessKey>secret</SecretAccessKey>\
             <SessionToken>token</SessionToken>\
             <Expiration>2030-06-30T12:34:56Z</Expiration>",
            "<SomethingNew>kept aside</SomethingNew>",
        ),
        // A self-closed member: `<X/>` is `<X></X>`, empty text for both.
        answer(PLAIN, "<SourceIdentity/>"),
        answer(PLAIN, "<SourceIdentity></SourceIdentity>"),
        // An XML declaration first.
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}",
            answer(PLAIN, "<PackedPolicySize>100</PackedPolicySize>")
        ),
    ]
}

/// `xml` as `aws-sdk-sts` reads it: the answer of a client whose HTTP layer
/// returns it (its error as `Debug` text).
fn sdk_read(xml: &str) -> Result<aws_sdk_sts::operation::assume_role::AssumeRoleOutput, String> {
    let body: &'static str = Box::leak(xml.to_owned().into_boxed_str());
    let (client, _receiver) = sts_client(Setup {
        response: Some((200, body)),
        ..Setup::default()
    });
    block_on(
        client
            .assume_role()
            .role_arn("arn:aws:iam::123456789012:role/xaccounts3access")
            .role_session_name("s3-access-example")
            .send(),
    )
    .map_err(|err| format!("{err:?}"))
}

#[test]
fn every_value_read_is_the_sdks() {
    for xml in cases() {
        let ours = AssumeRoleResponse::from_xml(xml.as_bytes())
            .unwrap_or_else(|err| panic!("ours refused {xml}: {err}"));
        let sdk = sdk_read(&xml).unwrap_or_else(|err| panic!("the SDK refused {xml}: {err}"));
        let theirs = sdk.credentials().expect("credentials");
        let creds = ours.credentials();
        assert_eq!(creds.access_key_id(), theirs.access_key_id(), "{xml}");
        assert_eq!(
            creds.secret_access_key().expose_secret(),
            theirs.secret_access_key(),
            "{xml}"
        );
        assert_eq!(
            creds.session_token().expose_secret(),
            theirs.session_token(),
            "{xml}"
        );
        assert_eq!(
            creds.expiration(),
            SystemTime::try_from(*theirs.expiration()).unwrap(),
            "{xml}"
        );
        let user = sdk.assumed_role_user().expect("assumed role user");
        assert_eq!(ours.assumed_role_arn(), user.arn(), "{xml}");
        assert_eq!(ours.assumed_role_id(), user.assumed_role_id(), "{xml}");
        assert_eq!(ours.source_identity(), sdk.source_identity(), "{xml}");
        // The SDK marks the member deprecated (STS now also sends
        // `SessionTokenUtilization`), and still reads it.
        #[allow(deprecated)]
        let sdk_packed = sdk.packed_policy_size();
        assert_eq!(
            ours.packed_policy_size().map(i64::from),
            sdk_packed.map(i64::from),
            "{xml}"
        );
    }
}

/// CDATA, which the SDK's reader leaves empty: this crate reads its content.
#[test]
fn cdata_content_is_read_as_xml_defines_it() {
    let xml = answer(
        "<AccessKeyId>ASIAEXAMPLE</AccessKeyId>\
         <SecretAccessKey><![CDATA[se<cr>et&]]></SecretAccessKey>\
         <SessionToken>to<![CDATA[k]]>en</SessionToken>\
         <Expiration>2030-06-30T12:34:56Z</Expiration>",
        "",
    );
    let ours = AssumeRoleResponse::from_xml(xml.as_bytes()).unwrap();
    let creds = ours.credentials();
    assert_eq!(creds.secret_access_key().expose_secret(), "se<cr>et&");
    assert_eq!(creds.session_token().expose_secret(), "token");
}

/// Credentials that would sign nothing are refused by name, however the empty
/// element is written; the SDK takes them as empty strings.
#[test]
fn empty_credentials_are_refused_by_name() {
    for (name, value) in [
        ("AccessKeyId", "AKIAIOSFODNN7EXAMPLE"),
        ("SecretAccessKey", "9drTJvcXLB89EXAMPLELB8923FB892xMFI"),
        ("SessionToken", "AQoXdzELDDY//////////wEaoAK1wvxJY12r2IrDFT2IvAzTCn3zHoZ7YNtpiQLF0MqZye/qwjzP2iEXAMPLEbw=="),
    ] {
        let full = format!("<{name}>{value}</{name}>");
        for empty in [format!("<{name}/>"), format!("<{name}></{name}>")] {
            let xml = answer(&PLAIN.replace(&full, &empty), "");
            let err = AssumeRoleResponse::from_xml(xml.as_bytes()).unwrap_err();
            assert_eq!(err.to_string(), format!("member `{name}` must not be empty"), "{xml}");
        }
    }
}

/// `Expiration` read as the SDK reads it (`aws-smithy-types`, over the `time`
/// crate), both where the SDK takes it and where it refuses it: fractions,
/// lower-case separators, leap seconds (only the last second of a month,
/// read as the nanosecond before the next).
#[test]
fn expirations_are_read_as_the_sdk_reads_them() {
    for expiration in [
        "2030-01-01T00:00:00Z",
        "2030-01-01T00:00:00.1Z",
        "2030-01-01T00:00:00.123456789Z",
        "2030-01-01t00:00:00z",
        "2016-12-31T23:59:60Z",
        "2016-12-31T23:59:60.25Z",
        "2024-02-29T23:59:60Z",
        "2025-11-27T13:00:60Z",
        "2016-12-30T23:59:60Z",
        "2016-12-31T23:58:60Z",
        "2030-02-29T00:00:00Z",
        "2030-01-01T24:00:00Z",
    ] {
        let xml = answer(&PLAIN.replace("2011-07-15T23:28:33.359Z", expiration), "");
        let ours = AssumeRoleResponse::from_xml(xml.as_bytes());
        let sdk = sdk_read(&xml);
        match (ours, sdk) {
            (Ok(ours), Ok(sdk)) => assert_eq!(
                ours.credentials().expiration(),
                SystemTime::try_from(*sdk.credentials().unwrap().expiration()).unwrap(),
                "{expiration}"
            ),
            (Err(_), Err(_)) => {}
            (ours, sdk) => panic!(
                "{expiration}: ours {}, the SDK's {}",
                if ours.is_ok() {
                    "read it"
                } else {
                    "refused it"
                },
                if sdk.is_ok() { "read it" } else { "refused it" },
            ),
        }
    }
}
