#!/usr/bin/env python3
# Writes registration_scopes.json: usage
#   git -C aws-cli show 73fb33bb171ace3e9eaa03308f76e5de50c21393:awscli/customizations/sso/utils.py > sso_utils.py
#   git -C aws-cli show 73fb33bb171ace3e9eaa03308f76e5de50c21393:awscli/botocore/utils.py > bc_utils.py
#   python3 registration_scopes.py sso_utils.py bc_utils.py > registration_scopes.json
# Runs the AWS CLI v2's own code (copied out of its source by `ast`, not retyped):
# parse_sso_registration_scopes (awscli/customizations/sso/utils.py) and
# BaseSSOTokenFetcher._registration_cache_key (awscli/botocore/utils.py).
import ast, hashlib, json, sys
def grab(path, name, cls=None):
    tree = ast.parse(open(path).read())
    for node in ast.walk(tree):
        if cls and isinstance(node, ast.ClassDef) and node.name == cls:
            for f in node.body:
                if isinstance(f, ast.FunctionDef) and f.name == name:
                    return ast.get_source_segment(open(path).read(), f)
        if not cls and isinstance(node, ast.FunctionDef) and node.name == name:
            return ast.get_source_segment(open(path).read(), node)
SSO_UTILS, BOTOCORE_UTILS = sys.argv[1], sys.argv[2]
ns = {'json': json, 'hashlib': hashlib}
exec(grab(SSO_UTILS, 'parse_sso_registration_scopes'), ns)
import textwrap
exec(textwrap.dedent(grab(BOTOCORE_UTILS, '_registration_cache_key', 'BaseSSOTokenFetcher')), ns)
class F: _sso_region = 'us-west-2'
out = []
for raw in ["", " ", ",", " , ,", "sso:foo,sso:bar", " sso:foo ,, sso:bar ,", "sso:foo", "\x1csso:foo\x1f,\u3000sso:bar\t"]:
    scopes = ns['parse_sso_registration_scopes'](raw)
    key = ns['_registration_cache_key'](F(), 'https://mysigin.com', 'test-session', scopes)
    out.append({"sso_registration_scopes": raw, "parsed": scopes, "file": key + ".json"})
print(json.dumps({"start_url": "https://mysigin.com", "region": "us-west-2", "session_name": "test-session", "registrations": out}, indent=2))
