"""Drives botocore's own SSO token code for Rolecall's interop tests.

Run with HOME / AWS_CONFIG_FILE pointing at a temp dir: botocore resolves ~/.aws/sso/cache
when it is imported. Every command prints one JSON object on stdout.
"""
import json
import os
import sys
from datetime import datetime, timezone

import botocore
import botocore.session
from botocore.tokens import SSOTokenProvider, _sso_json_dumps
from botocore.utils import JSONFileCache, SSOTokenLoader

CACHE_DIR = os.path.expanduser(os.path.join('~', '.aws', 'sso', 'cache'))


def _frozen(token):
    frozen = token.get_frozen_token()
    return {'token': frozen.token, 'expiration': frozen.expiration.isoformat() if frozen.expiration else None}


def load_via_provider(args):
    """SSOTokenProvider for a profile, and the session's own token_provider chain."""
    session = botocore.session.Session(profile=args['profile'])
    direct = SSOTokenProvider(session).load_token()
    chain = session.get_component('token_provider').load_token()
    return {'provider': _frozen(direct), 'chain': _frozen(chain), 'method': chain.method}


def load_via_loader(args):
    """SSOTokenLoader over the real JSONFileCache, exactly as SSOTokenProvider builds it."""
    loader = SSOTokenLoader(cache=JSONFileCache(CACHE_DIR, dumps_func=_sso_json_dumps))
    return loader(args['startUrl'], session_name=args.get('sessionName'))


def save_via_loader(args):
    """Writes a token the way botocore's refresh does (datetimes through _sso_json_dumps)."""
    token = dict(args['token'])
    for key in ('expiresAt', 'registrationExpiresAt'):
        if key in token:
            token[key] = datetime.fromtimestamp(token[key] // 1000, timezone.utc)
    loader = SSOTokenLoader(cache=JSONFileCache(CACHE_DIR, dumps_func=_sso_json_dumps))
    loader.save_token(args['startUrl'], token, session_name=args.get('sessionName'))
    return {'ok': True}


def dumps(args):
    """What _sso_json_dumps makes of each token (keys in the order given), for byte comparison."""
    texts = []
    for given in args['tokens']:
        token = dict(given)
        for key in ('expiresAt', 'registrationExpiresAt'):
            if key in token:
                token[key] = datetime.fromtimestamp(token[key] // 1000, timezone.utc)
        texts.append(_sso_json_dumps(token))
    return {'texts': texts}


COMMANDS = {
    'load-via-provider': load_via_provider,
    'load-via-loader': load_via_loader,
    'save-via-loader': save_via_loader,
    'dumps': dumps,
}

if __name__ == '__main__':
    command = sys.argv[1]
    arguments = json.loads(sys.stdin.read() or '{}')
    try:
        result = COMMANDS[command](arguments)
    except Exception as error:  # report botocore's own error to the test
        print(json.dumps({'error': type(error).__name__, 'message': str(error)}))
        sys.exit(1)
    print(json.dumps({'botocore': botocore.__version__, **result}))
