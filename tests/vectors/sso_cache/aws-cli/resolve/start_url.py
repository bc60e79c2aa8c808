#!/usr/bin/env python3
"""Writes start_url.json (to stdout): usage

    python3 start_url.py [AWS_CLI_GIT_DIR] > start_url.json

AWS_CLI_GIT_DIR defaults to /work/.mirror/aws+aws-cli/repo.  The script reads
awscli/customizations/sso/resolve.py with `git show` at the fixed commit below
and executes that source text unchanged, as a module, with its two awscli
imports stubbed (ConfigurationError = a plain Exception subclass,
get_cert_path = lambda *_: None; the latter is never reached, verify=False).
Standard library only; results depend on Python's urllib (produced with
CPython 3.11.7, whose urlsplit strips leading C0/space and drops tab/CR/LF).

Tables:
  aws_owned  is_aws_owned_domain(host)
  region     _extract_region_from_hostname(host)
  normalize  _normalize_url(url)
  join       urllib.parse.urljoin(base, location), as _follow_redirect uses it
  resolve    resolve_start_url(start_url, session=None,
             configured_region=..., timeout=5, verify=False)

For "resolve", the CLI's real _follow_redirect runs against a local HTTP
server on 127.0.0.1: urllib.request.HTTPSHandler is replaced by an
HTTPHandler subclass that sends each https request, unencrypted, to that
server, so the Host header and request target are exactly what the CLI sends.
The server answers the case's "answers" in order (status, optional Location,
empty body, Content-Length: 0) and records each request's method, Host header
and path (with query).  A case whose result is a "transport" error had the
connection for the request after its last answer refused (a closed port).
The script fails if a case gets more or fewer requests than it has answers,
or if an error message cannot be classified.  No network beyond 127.0.0.1.
"""
import http.client
import http.server
import json
import os
import re
import socket
import subprocess
import sys
import threading
import types
import urllib.parse
import urllib.request

COMMIT = '73fb33bb171ace3e9eaa03308f76e5de50c21393'
PATH = 'awscli/customizations/sso/resolve.py'
GIT_DIR = sys.argv[1] if len(sys.argv) > 1 else '/work/.mirror/aws+aws-cli/repo'

# Proxies from the environment would divert the requests; none are wanted.
for _k in list(os.environ):
    if _k.lower().endswith('_proxy'):
        del os.environ[_k]


# --- the CLI's module, executed from its own source text --------------------

class ConfigurationError(Exception):
    pass


def load_resolve():
    src = subprocess.run(
        ['git', '-C', GIT_DIR, 'show', f'{COMMIT}:{PATH}'],
        check=True, capture_output=True, text=True,
    ).stdout
    stubs = {
        'awscli': {},
        'awscli.botocore': {},
        'awscli.botocore.httpsession': {'get_cert_path': lambda *_: None},
        'awscli.customizations': {},
        'awscli.customizations.exceptions': {
            'ConfigurationError': ConfigurationError},
        'awscli.customizations.sso': {},
    }
    for name, attrs in stubs.items():
        mod = types.ModuleType(name)
        mod.__path__ = []
        mod.__dict__.update(attrs)
        sys.modules[name] = mod
        parent, _, child = name.rpartition('.')
        if parent:
            setattr(sys.modules[parent], child, mod)
    name = 'awscli.customizations.sso.resolve'
    mod = types.ModuleType(name)
    mod.__file__ = f'{COMMIT}:{PATH}'
    sys.modules[name] = mod
    exec(compile(src, mod.__file__, 'exec'), mod.__dict__)
    return mod


R = load_resolve()


# --- error kinds -------------------------------------------------------------

ERROR_KINDS = (
    ('scheme', r'The sso_start_url must use the https scheme\.'),
    ('invalid_url', r"Invalid sso_start_url: '.*'"),
    ('missing_region', r"Missing required configuration: sso_region\. "
                       r"Please run 'aws configure sso' to set it\."),
    ('not_aws_owned', r"Could not resolve start URL '.*' to an AWS-owned "
                      r"endpoint\. Final URL: '.*'"),
    ('resolved_not_https', r"Resolved URL must use https\. Got: '.*'"),
    ('no_region', r"Cannot determine region from start URL '.*'\. "
                  r"Please provide sso_region in your configuration\."),
    ('no_location', r'Redirect response missing Location header\.'),
    ('http_status', r'Failed to resolve start URL: HTTP \d{3}'),
    ('transport', r'Failed to resolve start URL: .+'),
)


def classify(message):
    for kind, pattern in ERROR_KINDS:
        if re.fullmatch(pattern, message, re.DOTALL):
            return kind
    raise AssertionError(f'unclassified ConfigurationError: {message!r}')


# --- the fake server ---------------------------------------------------------

class State:
    lock = threading.Lock()
    answers = []
    requests = []
    overflow = False
    refuse_after_answers = False
    scripted = 0
    connections = 0


class Handler(http.server.BaseHTTPRequestHandler):
    def _answer(self):
        with State.lock:
            State.requests.append({
                'method': self.command,
                'host': self.headers.get('Host'),
                'path': self.path,
            })
            if State.answers:
                status, location = State.answers.pop(0)
            else:
                State.overflow = True
                status, location = 500, None
        self.send_response(status)
        if location is not None:
            self.send_header('Location', location)
        self.send_header('Content-Length', '0')
        self.end_headers()

    do_HEAD = do_GET = _answer

    def log_message(self, *args):
        pass


SERVER = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
SERVER.daemon_threads = True
SERVER_PORT = SERVER.server_address[1]
threading.Thread(target=SERVER.serve_forever, daemon=True).start()


def closed_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


CLOSED_PORT = closed_port()


def connect(host, timeout=None, **_):
    # `host` (what the CLI asked for) is only carried in the Host header.
    with State.lock:
        n = State.connections
        State.connections += 1
        refuse = State.refuse_after_answers and n >= State.scripted
    port = CLOSED_PORT if refuse else SERVER_PORT
    return http.client.HTTPConnection('127.0.0.1', port, timeout=timeout)


class LocalHTTPSHandler(urllib.request.HTTPHandler):
    def __init__(self, debuglevel=None, context=None, check_hostname=None):
        super().__init__()

    def https_open(self, req):
        return self.do_open(connect, req)

    https_request = urllib.request.AbstractHTTPHandler.do_request_


urllib.request.HTTPSHandler = LocalHTTPSHandler


# --- resolve cases -----------------------------------------------------------

VANITY = 'https://aws.mycompany.example/start'
D_START = 'https://d-1234567890.awsapps.com/start'
APP_AWS = 'https://ssoins-1234.portal.us-west-2.app.aws/'


def a(status, location=None):
    return {'status': status, 'location': location}


# (name, start_url, configured_region, answers, refuse_after_answers)
RESOLVE_CASES = [
    # AWS-owned start URLs: returned as given, no request.
    ('owned awsapps.com with region', 'https://d-abc123.awsapps.com/start', 'us-east-1', [], False),
    ('owned awsapps.com without region', 'https://d-abc123.awsapps.com/start', None, [], False),
    ('owned awsapps.com empty configured region', 'https://d-abc123.awsapps.com/start', '', [], False),
    ('owned awsapps.cn with region', 'https://d-abc123.awsapps.cn/start', 'cn-north-1', [], False),
    ('owned app.aws portal, configured region wins over host', 'https://ssoins-abc.portal.us-west-2.app.aws', 'us-east-1', [], False),
    ('owned app.aws portal with same region', 'https://ssoins-abc.portal.us-west-2.app.aws', 'us-west-2', [], False),
    ('owned app.aws portal without region', 'https://ssoins-abc.portal.us-west-2.app.aws', None, [], False),
    ('owned portal.amazonaws.com', 'https://ssoins-abc.us-west-2.portal.amazonaws.com/', 'us-west-2', [], False),
    ('owned portal.amazonaws.com.cn', 'https://ssoins-abc.cn-north-1.portal.amazonaws.com.cn/', 'cn-north-1', [], False),
    ('owned app.amazonwebservices.com.cn', 'https://ssoins-abc.portal.cn-north-1.app.amazonwebservices.com.cn/', 'cn-north-1', [], False),
    ('owned portal.amazonaws.eu', 'https://ssoins-abc.eusc-de-east-1.portal.amazonaws.eu/', 'eusc-de-east-1', [], False),
    ('owned api.amazonwebservices.eu', 'https://ssoins-abc.portal.eusc-de-east-1.api.amazonwebservices.eu/', 'eusc-de-east-1', [], False),
    ('owned exact identitycenter.amazonaws.com', 'https://identitycenter.amazonaws.com/ssoins-1234', 'us-east-1', [], False),
    ('owned exact identitycenter.amazonaws.com.cn', 'https://identitycenter.amazonaws.com.cn/ssoins-1234', 'cn-north-1', [], False),
    ('owned exact identitycenter.amazonaws.eu', 'https://identitycenter.amazonaws.eu/ssoins-1234', 'eusc-de-east-1', [], False),
    ('owned exact identitycenter.us-gov.amazonaws.com', 'https://identitycenter.us-gov.amazonaws.com/ssoins-1234', 'us-gov-west-1', [], False),
    ('owned exact identitycenter without region', 'https://identitycenter.amazonaws.com/ssoins-1234', None, [], False),
    ('owned upper-case host, returned as given', 'https://D-ABC123.AWSAPPS.COM/Start', 'us-east-1', [], False),
    ('owned upper-case scheme, returned as given', 'HTTPS://d-abc123.awsapps.com/start', 'us-east-1', [], False),
    ('owned trailing-dot host', 'https://d-abc123.awsapps.com./start', 'us-east-1', [], False),
    ('owned trailing-dot exact host', 'https://identitycenter.amazonaws.com./start', 'us-east-1', [], False),
    ('owned bare suffix host awsapps.com', 'https://awsapps.com/start', 'us-east-1', [], False),
    ('owned bare suffix host app.aws', 'https://app.aws/', 'us-east-1', [], False),
    ('owned with port, query, fragment, trailing slash: not normalized', 'https://d-abc123.awsapps.com:443/start/?x=1#frag', 'us-east-1', [], False),
    ('owned with userinfo: not normalized', 'https://user:pw@d-abc123.awsapps.com/start', 'us-east-1', [], False),
    ('owned with non-default port', 'https://d-abc123.awsapps.com:8443/start', 'us-east-1', [], False),
    # Scheme and host checks.
    ('http scheme vanity', 'http://aws.mycompany.com', None, [], False),
    ('http scheme owned host', 'http://d-abc123.awsapps.com/start', 'us-east-1', [], False),
    ('no scheme', 'd-abc123.awsapps.com/start', 'us-east-1', [], False),
    ('ftp scheme', 'ftp://d-abc123.awsapps.com/start', 'us-east-1', [], False),
    ('empty start URL', '', 'us-east-1', [], False),
    ('https with nothing else', 'https://', 'us-east-1', [], False),
    ('no host', 'https:///start', 'us-east-1', [], False),
    ('port but no host', 'https://:443/start', 'us-east-1', [], False),
    ('userinfo but no host', 'https://user@/start', 'us-east-1', [], False),
    ('look-alike awsapps.com.evil.example is followed', 'https://awsapps.com.evil.example/start', 'us-east-1', [a(200)], False),
    ('look-alike evilawsapps.com is followed', 'https://evilawsapps.com/start', 'us-east-1', [a(200)], False),
    # Vanity URLs: one HEAD, redirect followed by one hop.
    ('HEAD 302 to awsapps.com with configured region', VANITY, 'us-east-1', [a(302, D_START)], False),
    ('HEAD 302 to awsapps.com without configured region', VANITY, None, [a(302, D_START)], False),
    ('HEAD 301 to app.aws', VANITY, None, [a(301, APP_AWS)], False),
    ('HEAD 302 to app.aws', VANITY, None, [a(302, APP_AWS)], False),
    ('HEAD 303 to app.aws', VANITY, None, [a(303, APP_AWS)], False),
    ('HEAD 307 to app.aws', VANITY, None, [a(307, APP_AWS)], False),
    ('HEAD 308 to app.aws', VANITY, None, [a(308, APP_AWS)], False),
    ('HEAD 302 to app.aws, region from host wins over configured', VANITY, 'eu-west-1', [a(302, APP_AWS)], False),
    ('HEAD 302 to portal.amazonaws.com', VANITY, None, [a(302, 'https://ssoins-1234.us-gov-west-1.portal.amazonaws.com/start')], False),
    ('HEAD 302 to portal.amazonaws.com.cn', VANITY, None, [a(302, 'https://ssoins-1234.cn-north-1.portal.amazonaws.com.cn/')], False),
    ('HEAD 302 to app.amazonwebservices.com.cn', VANITY, None, [a(302, 'https://ssoins-1234.portal.cn-northwest-1.app.amazonwebservices.com.cn/')], False),
    ('HEAD 302 to portal.amazonaws.eu', VANITY, None, [a(302, 'https://ssoins-1234.eusc-de-east-1.portal.amazonaws.eu/start')], False),
    ('HEAD 302 to api.amazonwebservices.eu', VANITY, None, [a(302, 'https://ssoins-1234.portal.eusc-de-east-1.api.amazonwebservices.eu/')], False),
    ('HEAD 302 to awsapps.cn without configured region', VANITY, None, [a(302, 'https://d-1234567890.awsapps.cn/start')], False),
    ('HEAD 302 to awsapps.cn with configured region', VANITY, 'cn-north-1', [a(302, 'https://d-1234567890.awsapps.cn/start')], False),
    ('HEAD 302 to exact identitycenter host with configured region', VANITY, 'us-east-1', [a(302, 'https://identitycenter.amazonaws.com/ssoins-1234')], False),
    ('HEAD 302 to exact identitycenter host without configured region', VANITY, None, [a(302, 'https://identitycenter.amazonaws.com/ssoins-1234')], False),
    ('HEAD 302 to bare awsapps.com', VANITY, 'us-east-1', [a(302, 'https://awsapps.com/start')], False),
    ('HEAD 302 relative /start: vanity host, not owned', 'https://aws.mycompany.example/portal', None, [a(302, '/start')], False),
    ('HEAD 302 relative path segment', 'https://aws.mycompany.example/a/b', None, [a(302, 'c/d')], False),
    ('HEAD 302 scheme-relative to awsapps.com', VANITY, 'us-east-1', [a(302, '//d-1234567890.awsapps.com/start')], False),
    ('HEAD 302 same-scheme without host: relative path', VANITY, 'us-east-1', [a(302, 'https:d-1234567890.awsapps.com/start')], False),
    ('HEAD 302 Location with query dropped', VANITY, 'us-east-1', [a(302, D_START + '?foo=bar&x=1')], False),
    ('HEAD 302 Location with fragment dropped', VANITY, 'us-east-1', [a(302, D_START + '#/dashboard')], False),
    ('HEAD 302 Location with params dropped', VANITY, 'us-east-1', [a(302, D_START + ';jsessionid=abc')], False),
    ('HEAD 302 Location with default port 443 dropped', VANITY, None, [a(302, 'https://ssoins-1234.portal.us-west-2.app.aws:443/')], False),
    ('HEAD 302 Location with non-default port kept', VANITY, None, [a(302, 'https://ssoins-1234.portal.us-west-2.app.aws:8443/start/')], False),
    ('HEAD 302 Location with port 0 dropped', VANITY, 'us-east-1', [a(302, 'https://d-1234567890.awsapps.com:0/start')], False),
    ('HEAD 302 Location with trailing slashes', VANITY, 'us-east-1', [a(302, 'https://d-1234567890.awsapps.com/start///')], False),
    ('HEAD 302 Location with no path', VANITY, 'us-east-1', [a(302, 'https://d-1234567890.awsapps.com')], False),
    ('HEAD 302 Location with userinfo dropped', VANITY, 'us-east-1', [a(302, 'https://user:pw@d-1234567890.awsapps.com/start')], False),
    ('HEAD 302 Location upper-case host lowered', VANITY, None, [a(302, 'https://SSOINS-1234.PORTAL.US-WEST-2.APP.AWS/Start/')], False),
    ('HEAD 302 Location upper-case scheme', VANITY, 'us-east-1', [a(302, 'HTTPS://d-1234567890.awsapps.com/start')], False),
    ('HEAD 302 Location trailing-dot host', VANITY, None, [a(302, 'https://ssoins-1234.portal.us-west-2.app.aws./')], False),
    ('HEAD 302 Location with percent-escapes kept', VANITY, 'us-east-1', [a(302, 'https://d-1234567890.awsapps.com/st%41rt/%2F')], False),
    ('HEAD 302 Location to IPv6 literal', VANITY, 'us-east-1', [a(302, 'https://[::1]:8443/start')], False),
    ('HEAD 302 Location http AWS-owned', VANITY, 'us-east-1', [a(302, 'http://ssoins-1234.portal.us-east-1.app.aws')], False),
    ('HEAD 302 Location http not AWS-owned', VANITY, 'us-east-1', [a(302, 'http://login.example.com/')], False),
    ('HEAD 302 Location to non-AWS host', VANITY, 'us-east-1', [a(302, 'https://not-aws.example.com')], False),
    ('HEAD 302 Location look-alike awsapps.com.evil.example', VANITY, 'us-east-1', [a(302, 'https://d-1234567890.awsapps.com.evil.example/start')], False),
    ('HEAD 302 Location look-alike evilawsapps.com', VANITY, 'us-east-1', [a(302, 'https://evilawsapps.com/start')], False),
    ('HEAD 302 Location file: scheme', VANITY, 'us-east-1', [a(302, 'file:///etc/passwd')], False),
    ('HEAD 302 to another vanity host: one hop only', VANITY, 'us-east-1', [a(302, 'https://sso.other-vanity.example/start')], False),
    ('HEAD 302 to another vanity host, configured region irrelevant', VANITY, None, [a(302, 'https://sso.other-vanity.example/start?next=1')], False),
    ('HEAD 200: no redirect, vanity not owned', VANITY, 'us-east-1', [a(200)], False),
    ('HEAD 204: no redirect', VANITY, 'us-east-1', [a(204)], False),
    ('HEAD 200 with Location ignored', VANITY, 'us-east-1', [a(200, D_START)], False),
    ('HEAD 405 then GET 302', VANITY, 'us-east-1', [a(405), a(302, D_START)], False),
    ('HEAD 501 then GET 301 to app.aws', VANITY, None, [a(501), a(301, APP_AWS)], False),
    ('HEAD 501 then GET 200', VANITY, 'us-east-1', [a(501), a(200)], False),
    ('HEAD 405 then GET 404', VANITY, 'us-east-1', [a(405), a(404)], False),
    ('HEAD 405 then GET 405', VANITY, 'us-east-1', [a(405), a(405)], False),
    ('HEAD 405 then GET 500', VANITY, 'us-east-1', [a(405), a(500)], False),
    ('HEAD 405 then GET 302 without Location', VANITY, 'us-east-1', [a(405), a(302)], False),
    ('HEAD 405 then GET relative redirect', 'https://aws.mycompany.example/a/b', 'us-east-1', [a(405), a(307, '../start')], False),
    ('HEAD 405 then GET refused', VANITY, 'us-east-1', [a(405)], True),
    ('HEAD 302 without Location', VANITY, 'us-east-1', [a(302)], False),
    ('HEAD 302 with empty Location', VANITY, 'us-east-1', [a(302, '')], False),
    ('HEAD 300', VANITY, 'us-east-1', [a(300, D_START)], False),
    ('HEAD 304', VANITY, 'us-east-1', [a(304, D_START)], False),
    ('HEAD 400', VANITY, 'us-east-1', [a(400)], False),
    ('HEAD 403', VANITY, 'us-east-1', [a(403)], False),
    ('HEAD 404', VANITY, 'us-east-1', [a(404)], False),
    ('HEAD 500', VANITY, 'us-east-1', [a(500)], False),
    ('HEAD 503', VANITY, 'us-east-1', [a(503)], False),
    ('HEAD connection refused', VANITY, 'us-east-1', [], True),
    # What the request looks like for odd vanity URLs.
    ('vanity with no path: request path /', 'https://aws.mycompany.example', 'us-east-1', [a(302, D_START)], False),
    ('vanity with query and fragment: query sent, fragment not', 'https://aws.mycompany.example/start?a=1&b=2#frag', 'us-east-1', [a(302, D_START)], False),
    ('vanity with port: Host header keeps it', 'https://aws.mycompany.example:8443/start', 'us-east-1', [a(302, D_START)], False),
    ('vanity with port 443: Host header keeps it', 'https://aws.mycompany.example:443/start', 'us-east-1', [a(302, D_START)], False),
    ('vanity with upper-case host: Host header as given', 'https://AWS.MyCompany.Example/Start', 'us-east-1', [a(302, D_START)], False),
    ('vanity relative ?query Location', 'https://aws.mycompany.example/start?a=1', 'us-east-1', [a(302, '?b=2')], False),
    ('vanity trailing-dot host', 'https://aws.mycompany.example./start', 'us-east-1', [a(302, D_START)], False),
]


def run_case(name, start_url, region, answers, refuse):
    with State.lock:
        State.answers = [(x['status'], x['location']) for x in answers]
        State.requests = []
        State.overflow = False
        State.refuse_after_answers = refuse
        State.scripted = len(answers)
        State.connections = 0
    try:
        url, got_region = R.resolve_start_url(
            start_url, session=None, configured_region=region,
            timeout=5, verify=False)
        result = {'url': url, 'region': got_region}
    except ConfigurationError as e:
        result = {'error': classify(str(e)), 'message': str(e)}
    with State.lock:
        requests = list(State.requests)
        if State.overflow:
            raise AssertionError(f'{name}: more requests than answers')
        if State.answers:
            raise AssertionError(f'{name}: unused answers {State.answers}')
    if refuse and result.get('error') != 'transport':
        raise AssertionError(f'{name}: expected a transport error: {result}')
    return {
        'name': name,
        'start_url': start_url,
        'configured_region': region,
        'answers': answers,
        'requests': requests,
        'result': result,
    }


# --- tables ------------------------------------------------------------------

SUFFIXES = R._AWS_OWNED_SUFFIXES
EXACT = R._AWS_OWNED_EXACT

OWNED_HOSTS = {
    # tests/unit/customizations/sso/test_resolve.py
    'ssoins-abc123.portal.us-west-2.app.aws',
    'ssoins-abc123.portal.us-east-1.app.aws',
    'SSOINS-ABC123.PORTAL.US-WEST-2.APP.AWS',
    'ssoins-abc123.us-west-2.portal.amazonaws.com',
    'd-abc123.awsapps.com', 'myalias.awsapps.com', 'awsapps.com',
    'identitycenter.amazonaws.com', 'identitycenter.amazonaws.com.',
    'd-abc123.awsapps.cn', 'myalias.awsapps.cn',
    'ssoins-abc123.cn-north-1.portal.amazonaws.com.cn',
    'ssoins-abc123.cn-northwest-1.portal.amazonaws.com.cn',
    'identitycenter.amazonaws.com.cn',
    'ssoins-abc123.portal.cn-north-1.app.amazonwebservices.com.cn',
    'ssoins-abc123.eusc-de-east-1.portal.amazonaws.eu',
    'ssoins-abc123.portal.eusc-de-east-1.api.amazonwebservices.eu',
    'identitycenter.amazonaws.eu', 'identitycenter.us-gov.amazonaws.com',
    'aws.mycompany.com', 'awsapps.com.evil.net', 'evil-awsapps.com',
    'x.app.aws.example.com', 'amazonaws.com.example.net',
    'portal.amazonaws.com.evil.net', 'notidentitycenter.amazonaws.com',
    'example.com', '', 'awsapps.cn.evil.net', 'evil-awsapps.cn',
    'portal.amazonaws.com.cn.evil.net',
    # more
    '.', '..', 'com', 'aws', 'amazonaws.com', 'amazonaws.eu',
    'foo.amazonaws.com', 'us-gov.amazonaws.com',
    'awsapps.com.evil.example', 'evilawsapps.com', 'xapp.aws',
    'app.aws.evil', 'awsapps.co', 'awsapps.comm', 'awsappsxcom',
    'd-abc123.awsapps.com ', ' d-abc123.awsapps.com', 'd-abc123.awsapps.com\n',
    'd-abc123.awsapps.com\u3002', 'd-abc123.awsapps.com:443',
    'user@d-abc123.awsapps.com', 'd-abc123.awsapps.com/start',
    'd-abc123.awsapps.com..', 'a..awsapps.com', '-.awsapps.com',
    'ssoins-1.portal.us-west-2.app.aws.example',
    'identitycenter.amazonaws.com.example', 'identitycenter.amazonaws',
    'x.identitycenter.amazonaws.com', 'x.identitycenter.amazonaws.eu',
    'identitycenter.amazonaws.co', 'identitycenter.us-gov.amazonaws.com.cn',
    'IDENTITYCENTER.US-GOV.AMAZONAWS.COM', 'identitycenter.us-gov.amazonaws.com.',
    'portal.amazonaws.com.cn', 'amazonaws.com.cn', 'x.amazonaws.com.cn',
    'x.amazonwebservices.com.cn', 'x.amazonwebservices.eu',
    'x.api.amazonwebservices.eu.evil', '::1', '127.0.0.1',
}
for _s in SUFFIXES:
    _bare = _s.lstrip('.')
    OWNED_HOSTS |= {
        _s, _bare, 'x' + _s, 'a.b' + _s, _bare + '.', 'x' + _s + '.',
        ('X' + _s).upper(), _bare.upper() + '.', 'x' + _bare, _bare + '.evil.example',
        'x' + _s + 'x', _bare[1:], 'x' + _s + '.x',
    }
for _e in EXACT:
    OWNED_HOSTS |= {
        _e, _e.upper(), _e + '.', _e + '..', 'x.' + _e, 'x' + _e, _e[:-1],
        _e + '.x', '.' + _e,
    }

REGION_TEMPLATES = (
    # (prefix before region, suffix after region) for each of the 6 regexes
    ('{id}.portal.', '.app.aws'),
    ('{id}.', '.portal.amazonaws.com'),
    ('{id}.', '.portal.amazonaws.com.cn'),
    ('{id}.portal.', '.app.amazonwebservices.com.cn'),
    ('{id}.', '.portal.amazonaws.eu'),
    ('{id}.portal.', '.api.amazonwebservices.eu'),
)
REGION_HOSTS = {
    # tests/unit/customizations/sso/test_resolve.py
    'ssoins-abc.portal.us-west-2.app.aws', 'ssoins-abc.portal.us-east-1.app.aws',
    'ssoins-abc.portal.eu-west-1.app.aws', 'ssoins-abc.portal.cn-north-1.app.aws',
    'ssoins-abc.us-gov-west-1.portal.amazonaws.com',
    'ssoins-abc.us-west-2.portal.amazonaws.com',
    'ssoins-abc.cn-north-1.portal.amazonaws.com.cn',
    'ssoins-abc.cn-northwest-1.portal.amazonaws.com.cn',
    'ssoins-abc.portal.cn-north-1.app.amazonwebservices.com.cn',
    'ssoins-abc.eusc-de-east-1.portal.amazonaws.eu',
    'ssoins-abc.portal.eusc-de-east-1.api.amazonwebservices.eu',
    'd-abc123.awsapps.com', 'd-abc123.awsapps.cn',
    'identitycenter.amazonaws.com', 'identitycenter.amazonaws.com.cn',
    'identitycenter.amazonaws.eu', 'identitycenter.us-gov.amazonaws.com',
    'aws.mycompany.com',
    # more
    '', '.', 'awsapps.com', 'app.aws', 'portal.amazonaws.com',
    'portal.us-west-2.portal.amazonaws.com',
    'ssoins-1.portal.portal.amazonaws.com',
    'ssoins-1.portal.us-west-2.app.aws.portal.amazonaws.com',
    'ssoins-1.us-west-2.portal.amazonaws.com.evil',
    'ssoins-1.portal.us-west-2.app.aws.evil',
}
for _pre, _suf in REGION_TEMPLATES:
    def _h(region, ident='ssoins-1234', pre=_pre, suf=_suf):
        return pre.format(id=ident) + region + suf
    REGION_HOSTS |= {
        _h('us-west-2'), _h('us-gov-west-1'), _h('eusc-de-east-1'),
        _h('x'), _h('-'), _h('123'), _h('US-WEST-2'),
        _h('us-west-2').upper(), _h('us-west-2') + '.', _h('us-west-2') + '..',
        _h('us-west-2') + '\n', _h('us-west-2') + ' ',
        _h('us-west-2', 'a.b'),                # extra label before
        _h('us-west-2', ''),                   # empty id label
        _h('us-west-2', 'ssoins_1'),           # underscore in id
        _h('us-west-2', 'a b@c'),              # anything but a dot in id
        _h('us-west-2')[len('ssoins-1234.'):],  # no id label
        _h(''),                                # empty region
        _h('us_west_2'),                       # underscore in region
        _h('us.west-2'),                       # dotted region
        'x.' + _h('us-west-2'),
    }

URL_HOSTS = [
    'example.com', 'EXAMPLE.com', 'example.com.', 'd-1234567890.awsapps.com',
    '[::1]', '[2001:DB8::1]', '[::ffff:127.0.0.1]', '127.0.0.1',
    'user@example.com', 'user:pw@example.com', 'user:pw@EXAMPLE.COM:443',
    '', ':443', 'user@',
]
NORMALIZE_URLS = {
    # tests/unit/customizations/sso/test_resolve.py
    'https://example.com:443/', 'https://example.com:443/path/',
    'https://example.com/', 'https://example.com:8443/path',
    'http://example.com:80/', 'https://example.com',
    # more
    'HTTPS://Example.COM:443/Path/', 'https://example.com:0/x',
    'https://example.com:443', 'https://example.com:80/', 'http://example.com:443/',
    'http://example.com:8080', 'ftp://example.com:21/x/', 'file:///etc/passwd',
    'https://example.com/start?x=1', 'https://example.com/start#frag',
    'https://example.com/start;x', 'https://example.com/a;x/b;y',
    'https://example.com/start;x?y#z', 'https://example.com/start/;x',
    'https://example.com?x', 'https://example.com#f', 'https://example.com;x',
    'https://example.com//', 'https://example.com/a//', 'https://example.com//a',
    'https://example.com/a/./b/../c', 'https://example.com/st%41rt/%2F',
    'https://example.com/%2F', 'https://example.com/a%20b/',
    'https://[::1]', 'https://[::1]/', 'https://[::1]:443/x', 'https://[::1]:8443/x',
    'https://[2001:DB8::1]:8443/x/', 'https://[::ffff:127.0.0.1]/x',
    'https://user:pw@example.com/x', 'https://user@EXAMPLE.com:8443/x',
    'https://user:pw@example.com:443/', 'https://user@/x', 'https://:443/x',
    'https://:8443/x', 'https:///x', 'https://', 'https:', '', '/start',
    'start', '//example.com/x', 'example.com/x', 'https:example.com/x',
    'https://example.com./x/', 'https://ssoins-1234.portal.us-west-2.app.aws:443/',
    'https://d-1234567890.awsapps.com/start///',
    ' https://example.com/x', 'https://exa\tmple.com/x',
    'https://example.com:00443/x', 'https://example.com:/x',
}
JOIN_BASES = [
    'https://aws.mycompany.example/start',
    'https://aws.mycompany.example/a/b/c?q=1#f',
    'https://aws.mycompany.example',
    'https://aws.mycompany.example:8443/a/',
]
JOIN_LOCATIONS = [
    'https://d-1234567890.awsapps.com/start', 'http://d-1234567890.awsapps.com/start',
    'HTTPS://D-1234567890.AWSAPPS.COM/Start', 'https://d-1234567890.awsapps.com',
    '//d-1234567890.awsapps.com/start', '//d-1234567890.awsapps.com', '///start',
    '/start', '/', '//', 'start', 'c/d', './start', '.', '..', '../start',
    '../../../../x', '/a/../b/./c', '?a', '?', '#f', '#', '', ';x', 'g;x',
    'https:start', 'https:/start', 'https:', 'http:start', '\\\\evil.example\\x',
    ' /start', '/st\tart', '/st%41rt', 'file:///etc/passwd', 'mailto:x@example.com',
    '//[::1]:8443/x', 'https://user:pw@d-1234567890.awsapps.com/x',
    'ftp://example.com/x', 'HTTPS:start', 'javascript:alert(1)', 'a:b',
    'https://example.com:443/x?y#z',
]


def main():
    aws_owned = [{'host': h, 'owned': R.is_aws_owned_domain(h)}
                 for h in sorted(OWNED_HOSTS)]
    region = [{'host': h, 'region': R._extract_region_from_hostname(h)}
              for h in sorted(REGION_HOSTS)]
    urls = set(NORMALIZE_URLS)
    for h in URL_HOSTS:
        urls |= {f'https://{h}/x/', f'https://{h}'}
    normalize = [{'url': u, 'normalized': R._normalize_url(u)}
                 for u in sorted(urls)]
    join = [{'base': b, 'location': loc,
             'joined': urllib.parse.urljoin(b, loc)}
            for b in sorted(JOIN_BASES) for loc in sorted(set(JOIN_LOCATIONS))]
    names = [c[0] for c in RESOLVE_CASES]
    assert len(names) == len(set(names)), 'duplicate case names'
    resolve = [run_case(*c) for c in sorted(RESOLVE_CASES, key=lambda c: c[0])]
    SERVER.shutdown()
    out = {
        'source': f'aws/aws-cli {COMMIT} {PATH}',
        'aws_owned': aws_owned,
        'region': region,
        'normalize': normalize,
        'join': join,
        'resolve': resolve,
    }
    print(json.dumps(out, indent=2))


if __name__ == '__main__':
    main()
