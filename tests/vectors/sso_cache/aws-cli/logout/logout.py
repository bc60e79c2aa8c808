#!/usr/bin/env python3
"""Writes logout.json (to stdout): usage

    python3 logout.py [AWS_CLI_GIT_DIR] > logout.json

AWS_CLI_GIT_DIR defaults to /work/.mirror/aws+aws-cli/repo.  The script reads
awscli/customizations/sso/logout.py with `git show` at the fixed commit below
and executes that source text unchanged, as a module, with its awscli and
botocore imports stubbed (BasicCommand and ClientError plain classes; the
directories are passed to delete_credentials, so the stubbed constants are
never used).  Standard library only (CPython 3.11.7).

Each case is one file alone in a fresh directory (so a case where the CLI
fails cannot affect another), swept by the CLI's own SSOTokenSweeper (token
cases) or SSOCredentialSweeper (credential cases).  The session stub's
`create_client('sso', region_name=...)` checks the region as botocore does
(botocore.utils.validate_region_name's pattern, and a non-string fails) and
its `logout(accessToken=...)` checks the parameter as botocore's validator
does (a string is required); a token "refused" raises ClientError, as the
portal's UnauthorizedException does.  Recorded per case: whether the file was
deleted, the Logout calls made (region, token), or the exception that ended
the CLI's command ("failed").
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import types

COMMIT = '73fb33bb171ace3e9eaa03308f76e5de50c21393'
PATH = 'awscli/customizations/sso/logout.py'
GIT_DIR = sys.argv[1] if len(sys.argv) > 1 else '/work/.mirror/aws+aws-cli/repo'


class ClientError(Exception):
    pass


class ParamValidationError(Exception):
    pass


class InvalidRegionError(Exception):
    pass


class BasicCommand:
    def __init__(self, session=None):
        self._session = session


def load_logout():
    src = subprocess.run(
        ['git', '-C', GIT_DIR, 'show', f'{COMMIT}:{PATH}'],
        check=True, capture_output=True, text=True,
    ).stdout
    stubs = {
        'botocore': {},
        'botocore.exceptions': {'ClientError': ClientError},
        'awscli': {},
        'awscli.customizations': {},
        'awscli.customizations.commands': {'BasicCommand': BasicCommand},
        'awscli.customizations.sso': {},
        'awscli.customizations.sso.utils': {
            'AWS_CREDS_CACHE_DIR': '/nonexistent', 'SSO_TOKEN_DIR': '/nonexistent'},
    }
    for name, attrs in stubs.items():
        mod = types.ModuleType(name)
        mod.__path__ = []
        mod.__dict__.update(attrs)
        sys.modules[name] = mod
        parent, _, child = name.rpartition('.')
        if parent:
            setattr(sys.modules[parent], child, mod)
    name = 'awscli.customizations.sso.logout'
    mod = types.ModuleType(name)
    mod.__file__ = f'{COMMIT}:{PATH}'
    sys.modules[name] = mod
    exec(compile(src, mod.__file__, 'exec'), mod.__dict__)
    return mod


L = load_logout()

# botocore.utils.validate_region_name
VALID_REGION = re.compile(r'^[a-zA-Z0-9](?:[a-zA-Z0-9\-]{0,61}[a-zA-Z0-9])?$')


class Globals:
    verify_ssl = True


class Session:
    def __init__(self):
        self.calls = []

    def create_client(self, service, region_name=None, verify=None):
        assert service == 'sso'
        if not isinstance(region_name, str):
            raise TypeError('region_name must be a string')
        if not VALID_REGION.match(region_name):
            raise InvalidRegionError(region_name)
        session = self

        class Client:
            def logout(self, accessToken):
                if not isinstance(accessToken, str):
                    raise ParamValidationError('accessToken')
                session.calls.append([region_name, accessToken])
                if accessToken.startswith('refused'):
                    raise ClientError('UnauthorizedException')

        return Client()


T = '"expiresAt": "2030-01-01T00:00:00Z"'
TOKEN_CASES = [
    ('cli_token', '{"startUrl": "https://d-1.awsapps.com/start", "region": "us-east-1", '
                  '"accessToken": "aoaA-1", ' + T + '}'),
    ('registration', '{"clientId": "c", "clientSecret": "s", ' + T + '}'),
    ('no_region', '{"accessToken": "t", ' + T + '}'),
    ('empty_region', '{"accessToken": "t", "region": ""}'),
    ('null_region', '{"accessToken": "t", "region": null}'),
    ('only_token', '{"accessToken": "t2", "region": "eu-west-1"}'),
    ('not_json', 'not json'),
    ('empty_file', ''),
    ('empty_object', '{}'),
    ('refused', '{"accessToken": "refused-expired", "region": "us-west-2", ' + T + '}'),
    ('all_members', '{"startUrl": "https://d-2.awsapps.com/start", "region": "ap-south-1", '
                    '"accessToken": "aoaA-2", "expiresAt": "2030-01-01T00:00:00UTC", '
                    '"refreshToken": "aorA-2", "clientId": "cid", "clientSecret": "cs", '
                    '"registrationExpiresAt": "2030-01-01T00:00:00Z", "extra": {"a": [1, 2]}}'),
    ('escaped_token', '{"accessToken": "a\\u0062c", "region": "us-west-2"}'),
    ('duplicate_token', '{"accessToken": "first", "accessToken": "second", "region": "us-east-1"}'),
    ('token_number', '{"accessToken": 5}'),
    ('null_token_no_region', '{"accessToken": null}'),
    ('null_token', '{"accessToken": null, "region": "us-east-1"}'),
    ('region_number', '{"accessToken": "t", "region": 5}'),
    ('region_invalid', '{"accessToken": "t", "region": "us east 1"}'),
    ('nested_token', '{"inner": {"accessToken": "t"}, "region": "us-east-1"}'),
    ('json_array', '["accessToken"]'),
    ('china', '{"accessToken": "cn-token", "region": "cn-north-1"}'),
    ('other_case', '{"AccessToken": "t", "Region": "us-east-1"}'),
    ('duplicate_region', '{"accessToken": "t", "region": "us-east-1", "region": null}'),
]
CREDENTIAL_CASES = [
    ('sso', '{"ProviderType": "sso", "Credentials": {"AccessKeyId": "AKID", '
            '"SecretAccessKey": "s", "SessionToken": "t", "Expiration": "2030-01-01T00:00:00Z"}}'),
    ('assume_role', '{"ProviderType": "assume-role", "Credentials": {}}'),
    ('no_provider', '{"Credentials": {}}'),
    ('lower_case_name', '{"providertype": "sso"}'),
    ('upper_case_value', '{"ProviderType": "SSO"}'),
    ('provider_number', '{"ProviderType": 1}'),
    ('provider_duplicate', '{"ProviderType": "sso", "ProviderType": null}'),
    ('not_json', 'not json'),
]


def run(sweeper, content):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, 'file.json')
        with open(path, 'w') as f:
            f.write(content)
        result = {'content': content}
        try:
            sweeper.delete_credentials(d)
            result['failed'] = None
        except Exception as e:  # noqa: BLE001 -- the CLI's command would end here
            result['failed'] = type(e).__name__
        result['deleted'] = not os.path.exists(path)
        return result


cases = []
for name, content in TOKEN_CASES:
    session = Session()
    result = run(L.SSOTokenSweeper(session, Globals()), content)
    result.update(name=name, sweeper='token', calls=session.calls)
    cases.append(result)
for name, content in CREDENTIAL_CASES:
    result = run(L.SSOCredentialSweeper(), content)
    result.update(name=name, sweeper='credentials', calls=[])
    cases.append(result)

json.dump({'source': f'aws-cli {COMMIT} {PATH}', 'cases': cases}, sys.stdout, indent=1)
print()
