"""Reads AWS config files with botocore's own loader for Rolecall's interop tests.

Run with HOME / AWS_CONFIG_FILE pointing at a temp dir. Every command prints one JSON
object on stdout.
"""
import json
import os
import sys
import tempfile

import botocore
import botocore.session
from botocore.configloader import raw_config_parse


def profiles(args):
    """What botocore's Session makes of the config file: profiles, sso-sessions, settings per profile."""
    session = botocore.session.Session()
    config = session.full_config
    return {
        'available': session.available_profiles,
        'profiles': config.get('profiles', {}),
        'ssoSessions': config.get('sso_sessions', {}),
        'services': config.get('services', {}),
    }


def raw_parse(args):
    """configparser's reading of each text: section -> option -> raw value, or the error."""
    results = []
    with tempfile.TemporaryDirectory() as directory:
        for index, text in enumerate(args['texts']):
            path = os.path.join(directory, f'config-{index}')
            with open(path, 'w', encoding='utf-8', newline='') as handle:
                handle.write(text)
            try:
                results.append({'ok': raw_config_parse(path, parse_subsections=False)})
            except Exception as error:
                results.append({'error': f'{type(error).__name__}: {error}'})
    return {'results': results}


COMMANDS = {'profiles': profiles, 'raw-parse': raw_parse}

if __name__ == '__main__':
    command = sys.argv[1]
    arguments = json.loads(sys.stdin.read() or '{}')
    try:
        result = COMMANDS[command](arguments)
    except Exception as error:
        print(json.dumps({'error': type(error).__name__, 'message': str(error)}))
        sys.exit(1)
    print(json.dumps({'botocore': botocore.__version__, **result}))
