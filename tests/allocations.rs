//! Allocation counts, which are deterministic (timings are not): `to_json()`
//! makes exactly one allocation, of the body's exact size; `build()` allocates
//! nothing beyond what owning the inputs needs: nothing at all for inputs handed
//! over whole (`String`, `Box<str>`, `SecretString`, an exact `Zeroizing<String>`,
//! a `Vec<String>` of scopes), one exact-size copy for each `&str`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use secrecy::SecretString;
use ssooidc_token::{CreateToken, CreateTokenWithIam, ExposeSecret, TokenType};
use zeroize::Zeroizing;

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
    static LAST_SIZE: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
        let _ = LAST_SIZE.try_with(|c| c.set(layout.size()));
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
        let _ = LAST_SIZE.try_with(|c| c.set(new_size));
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Runs `f` and returns its result and how many allocations (and reallocations)
/// this thread made meanwhile.
fn count<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let before = ALLOCATIONS.with(Cell::get);
    let result = f();
    (result, ALLOCATIONS.with(Cell::get) - before)
}

fn owned(s: &str) -> String {
    // Exact capacity, as `to_owned` gives.
    s.to_owned()
}

const ARN: &str = "arn:aws:sso::123456789012:application/ssoins-1/apl-2";
const JWT: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

fn scopes() -> Vec<String> {
    vec![owned("openid"), owned("aws"), owned("sts:identity_context")]
}

#[test]
fn build_with_owned_inputs_allocates_nothing() {
    let (id, code, uri, verifier, s) = (
        owned(ARN),
        owned("code"),
        owned("https://a.example/cb"),
        owned(VERIFIER),
        scopes(),
    );
    let (r, n) = count(|| {
        CreateTokenWithIam::authorization_code()
            .client_id(id)
            .code(code)
            .redirect_uri(uri)
            .code_verifier(verifier)
            .scopes(s)
            .build()
    });
    assert_eq!(n, 0, "authorization code");
    assert!(r.is_ok());

    let (id, token) = (owned(ARN), Box::<str>::from("refresh"));
    let (r, n) = count(|| {
        CreateTokenWithIam::refresh_token()
            .client_id(id)
            .refresh_token(token)
            .build()
    });
    assert_eq!((n, r.is_ok()), (0, true), "refresh token from Box<str>");

    let (id, jwt) = (owned(ARN), SecretString::from(JWT));
    let (r, n) = count(|| {
        CreateTokenWithIam::jwt_bearer()
            .client_id(id)
            .assertion(jwt)
            .build()
    });
    assert_eq!((n, r.is_ok()), (0, true), "JWT bearer from SecretString");

    let (id, token, s) = (owned(ARN), Zeroizing::new(owned(JWT)), scopes());
    let (r, n) = count(|| {
        CreateTokenWithIam::token_exchange()
            .client_id(id)
            .subject_token(token)
            .subject_token_type(TokenType::AccessToken)
            .requested_token_type(TokenType::AwsToken)
            .scopes(s)
            .build()
    });
    assert_eq!(
        (n, r.is_ok()),
        (0, true),
        "token exchange from Zeroizing<String>"
    );

    let (id, secret, code, uri) = (
        owned("id"),
        owned("secret"),
        owned("code"),
        owned("https://a.example/cb"),
    );
    let (r, n) = count(|| {
        CreateToken::authorization_code()
            .client_id(id)
            .client_secret(secret)
            .code(code)
            .redirect_uri(uri)
            .build()
    });
    assert_eq!((n, r.is_ok()), (0, true), "public authorization code");

    let (id, secret, device) = (owned("id"), owned("secret"), owned("device"));
    let (r, n) = count(|| {
        CreateToken::device_code()
            .client_id(id)
            .client_secret(secret)
            .device_code(device)
            .build()
    });
    assert_eq!((n, r.is_ok()), (0, true), "device code");

    let (id, secret, token) = (owned("id"), owned("secret"), owned("refresh"));
    let (r, n) = count(|| {
        CreateToken::refresh_token()
            .client_id(id)
            .client_secret(secret)
            .refresh_token(token)
            .build()
    });
    assert_eq!((n, r.is_ok()), (0, true), "public refresh token");
}

#[test]
fn build_with_borrowed_inputs_allocates_one_exact_copy_each() {
    // client_id, code, redirect_uri, code_verifier: four &str, four allocations.
    let (r, n) = count(|| {
        CreateTokenWithIam::authorization_code()
            .client_id(ARN)
            .code("code")
            .redirect_uri("https://a.example/cb")
            .code_verifier(VERIFIER)
            .build()
    });
    assert_eq!((n, r.is_ok()), (4, true));
    let (r, n) = count(|| {
        CreateToken::device_code()
            .client_id("id")
            .client_secret("s")
            .device_code("d")
            .build()
    });
    assert_eq!((n, r.is_ok()), (3, true));
}

#[test]
fn a_borrowed_secret_costs_one_exact_copy() {
    // Refreshing from a stored response: `&SecretString`, no `.clone()` needed.
    let stored = SecretString::from("refresh-token-from-a-response");
    let id = owned(ARN);
    let (r, n) = count(|| {
        CreateTokenWithIam::refresh_token()
            .client_id(id)
            .refresh_token(&stored)
            .build()
    });
    assert_eq!(n, 1);
    assert_eq!(LAST_SIZE.with(Cell::get), stored.expose_secret().len());
    let request = r.unwrap();
    assert_eq!(
        request.refresh_token().expose_secret(),
        stored.expose_secret()
    );
}

#[test]
fn a_string_with_spare_capacity_costs_one_exact_copy() {
    let mut token = String::with_capacity(64);
    token.push_str("refresh");
    let id = owned(ARN);
    let (r, n) = count(|| {
        CreateTokenWithIam::refresh_token()
            .client_id(id)
            .refresh_token(token)
            .build()
    });
    assert_eq!((n, r.is_ok()), (1, true));
}

#[test]
fn to_json_allocates_once_at_the_exact_size() {
    let jwt = owned(JWT);
    let requests: Vec<Box<dyn Fn() -> ssooidc_token::JsonBody>> = vec![
        {
            let r = CreateTokenWithIam::authorization_code()
                .client_id(ARN)
                .code("c\"ode\\with/escapes\u{1}")
                .redirect_uri("https://a.example/cb")
                .code_verifier(VERIFIER)
                .scopes(["openid", "aws"])
                .build()
                .unwrap();
            Box::new(move || r.to_json())
        },
        {
            let r = CreateTokenWithIam::refresh_token()
                .client_id(ARN)
                .refresh_token("r".repeat(1_000))
                .build()
                .unwrap();
            Box::new(move || r.to_json())
        },
        {
            let r = CreateTokenWithIam::jwt_bearer()
                .client_id(ARN)
                .assertion(jwt.as_str())
                .build()
                .unwrap();
            Box::new(move || r.to_json())
        },
        {
            let r = CreateTokenWithIam::token_exchange()
                .client_id(ARN)
                .subject_token(format!("{}x", "t\u{e9}\n".repeat(400)))
                .subject_token_type(TokenType::AccessToken)
                .build()
                .unwrap();
            Box::new(move || r.to_json())
        },
        {
            let r = CreateToken::authorization_code()
                .client_id("id")
                .client_secret("s")
                .code("c")
                .redirect_uri("https://a.example/cb")
                .build()
                .unwrap();
            Box::new(move || r.to_json())
        },
        {
            let r = CreateToken::device_code()
                .client_id("id")
                .client_secret("s")
                .device_code("d")
                .build()
                .unwrap();
            Box::new(move || r.to_json())
        },
        {
            let r = CreateToken::refresh_token()
                .client_id("id")
                .client_secret("s")
                .refresh_token("r")
                .build()
                .unwrap();
            Box::new(move || r.to_json())
        },
    ];
    for (i, to_json) in requests.iter().enumerate() {
        let (body, n) = count(to_json);
        assert_eq!(n, 1, "request {i}: to_json allocations");
        assert_eq!(
            LAST_SIZE.with(Cell::get),
            body.expose_secret().len(),
            "request {i}: allocation size"
        );
    }
}
