
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'ferry' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'ferry'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'ferry' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Directory holding this device''s keys and state')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from')
            [CompletionResult]::new('--bootstrap', '--bootstrap', [CompletionResultType]::ParameterName, 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)')
            [CompletionResult]::new('--dht-proxy', '--dht-proxy', [CompletionResultType]::ParameterName, 'Reach the DHT through OpenDHT''s REST proxy (Jami''s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami''s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only')
            [CompletionResult]::new('--candidate-ip', '--candidate-ip', [CompletionResultType]::ParameterName, 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)')
            [CompletionResult]::new('--turn', '--turn', [CompletionResultType]::ParameterName, 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS')
            [CompletionResult]::new('--turn-user', '--turn-user', [CompletionResultType]::ParameterName, 'TURN user name')
            [CompletionResult]::new('--turn-password', '--turn-password', [CompletionResultType]::ParameterName, 'TURN password (visible to other users in the process list: prefer --turn-password-file)')
            [CompletionResult]::new('--turn-password-file', '--turn-password-file', [CompletionResultType]::ParameterName, 'File whose first line is the TURN password (should be readable by its owner only)')
            [CompletionResult]::new('--turn-realm', '--turn-realm', [CompletionResultType]::ParameterName, 'TURN realm')
            [CompletionResult]::new('--turn-ca', '--turn-ca', [CompletionResultType]::ParameterName, 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots')
            [CompletionResult]::new('--dht-port', '--dht-port', [CompletionResultType]::ParameterName, 'UDP port of this device''s DHT node (default: any free port)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON event per line on stdout instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars, even on a terminal')
            [CompletionResult]::new('--no-discovery', '--no-discovery', [CompletionResultType]::ParameterName, 'Do not look for DHT nodes on the LAN (multicast peer discovery)')
            [CompletionResult]::new('--no-turn', '--no-turn', [CompletionResultType]::ParameterName, 'Never use a TURN relay')
            [CompletionResult]::new('--relay-only', '--relay-only', [CompletionResultType]::ParameterName, 'Offer only the TURN-relayed address as a candidate (no direct path)')
            [CompletionResult]::new('--no-upnp', '--no-upnp', [CompletionResultType]::ParameterName, 'Do not ask the LAN''s UPnP gateway for a port mapping')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('id', 'id', [CompletionResultType]::ParameterValue, 'Show this device''s account id, device id and name (created on first use)')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Send files to a device (--to), or to whoever types the one-time code shown')
            [CompletionResult]::new('receive', 'receive', [CompletionResultType]::ParameterValue, 'Stay online and receive files, or receive one transfer with a code from `ferry send`')
            [CompletionResult]::new('accept', 'accept', [CompletionResultType]::ParameterValue, 'List the offers waiting in the running `ferry receive`, or accept or refuse one')
            [CompletionResult]::new('rerequest', 'rerequest', [CompletionResultType]::ParameterValue, 'Ask the conversation''s other members to send a recorded transfer again; kept only if its SHA3-256 matches the recorded one')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Show the settings and where each comes from; check the DHT, candidates, UPnP and the TURN server')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'The transfers this device sent and received')
            [CompletionResult]::new('contacts', 'contacts', [CompletionResultType]::ParameterValue, 'Short names for ids: `add ALIAS ID`, `list`, `remove ALIAS`')
            [CompletionResult]::new('account', 'account', [CompletionResultType]::ParameterValue, 'Link another device to this account: export the account, import it there')
            [CompletionResult]::new('dht', 'dht', [CompletionResultType]::ParameterValue, 'Talk to the DHT directly, for diagnosis (as `dhtnode` does)')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Print the man page or shell completions')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ferry;id' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Directory holding this device''s keys and state')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from')
            [CompletionResult]::new('--bootstrap', '--bootstrap', [CompletionResultType]::ParameterName, 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)')
            [CompletionResult]::new('--dht-proxy', '--dht-proxy', [CompletionResultType]::ParameterName, 'Reach the DHT through OpenDHT''s REST proxy (Jami''s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami''s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only')
            [CompletionResult]::new('--candidate-ip', '--candidate-ip', [CompletionResultType]::ParameterName, 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)')
            [CompletionResult]::new('--turn', '--turn', [CompletionResultType]::ParameterName, 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS')
            [CompletionResult]::new('--turn-user', '--turn-user', [CompletionResultType]::ParameterName, 'TURN user name')
            [CompletionResult]::new('--turn-password', '--turn-password', [CompletionResultType]::ParameterName, 'TURN password (visible to other users in the process list: prefer --turn-password-file)')
            [CompletionResult]::new('--turn-password-file', '--turn-password-file', [CompletionResultType]::ParameterName, 'File whose first line is the TURN password (should be readable by its owner only)')
            [CompletionResult]::new('--turn-realm', '--turn-realm', [CompletionResultType]::ParameterName, 'TURN realm')
            [CompletionResult]::new('--turn-ca', '--turn-ca', [CompletionResultType]::ParameterName, 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots')
            [CompletionResult]::new('--dht-port', '--dht-port', [CompletionResultType]::ParameterName, 'UDP port of this device''s DHT node (default: any free port)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON event per line on stdout instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars, even on a terminal')
            [CompletionResult]::new('--no-discovery', '--no-discovery', [CompletionResultType]::ParameterName, 'Do not look for DHT nodes on the LAN (multicast peer discovery)')
            [CompletionResult]::new('--no-turn', '--no-turn', [CompletionResultType]::ParameterName, 'Never use a TURN relay')
            [CompletionResult]::new('--relay-only', '--relay-only', [CompletionResultType]::ParameterName, 'Offer only the TURN-relayed address as a candidate (no direct path)')
            [CompletionResult]::new('--no-upnp', '--no-upnp', [CompletionResultType]::ParameterName, 'Do not ask the LAN''s UPnP gateway for a port mapping')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ferry;send' {
            [CompletionResult]::new('--text', '--text', [CompletionResultType]::ParameterName, 'Send this short text instead of a file (a token, a URL; at most 64 KiB of UTF-8): the receiver prints it on standard output, verified, and keeps no file')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'The receiving device id, account id (every device of it), or contact alias. Without it, ferry shows a one-time code (like 7-guitar-orbit-lunch) to type on the other device as `ferry receive CODE`')
            [CompletionResult]::new('--code', '--code', [CompletionResultType]::ParameterName, 'Without --to: use this code (a number from 1 to 999 and three BIP39 English words) instead of a random one')
            [CompletionResult]::new('--code-timeout', '--code-timeout', [CompletionResultType]::ParameterName, 'Without --to: how long the code stays valid, in seconds; it works once')
            [CompletionResult]::new('--peer-addr', '--peer-addr', [CompletionResultType]::ParameterName, 'Connect directly to the receiver at this address, without the DHT')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Offer under this name instead of the file''s (or the directory''s) own')
            [CompletionResult]::new('--limit-rate', '--limit-rate', [CompletionResultType]::ParameterName, 'Limit the sending rate, in bytes per second (suffixes K, M, G)')
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Directory holding this device''s keys and state')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from')
            [CompletionResult]::new('--bootstrap', '--bootstrap', [CompletionResultType]::ParameterName, 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)')
            [CompletionResult]::new('--dht-proxy', '--dht-proxy', [CompletionResultType]::ParameterName, 'Reach the DHT through OpenDHT''s REST proxy (Jami''s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami''s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only')
            [CompletionResult]::new('--candidate-ip', '--candidate-ip', [CompletionResultType]::ParameterName, 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)')
            [CompletionResult]::new('--turn', '--turn', [CompletionResultType]::ParameterName, 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS')
            [CompletionResult]::new('--turn-user', '--turn-user', [CompletionResultType]::ParameterName, 'TURN user name')
            [CompletionResult]::new('--turn-password', '--turn-password', [CompletionResultType]::ParameterName, 'TURN password (visible to other users in the process list: prefer --turn-password-file)')
            [CompletionResult]::new('--turn-password-file', '--turn-password-file', [CompletionResultType]::ParameterName, 'File whose first line is the TURN password (should be readable by its owner only)')
            [CompletionResult]::new('--turn-realm', '--turn-realm', [CompletionResultType]::ParameterName, 'TURN realm')
            [CompletionResult]::new('--turn-ca', '--turn-ca', [CompletionResultType]::ParameterName, 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots')
            [CompletionResult]::new('--dht-port', '--dht-port', [CompletionResultType]::ParameterName, 'UDP port of this device''s DHT node (default: any free port)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON event per line on stdout instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars, even on a terminal')
            [CompletionResult]::new('--no-discovery', '--no-discovery', [CompletionResultType]::ParameterName, 'Do not look for DHT nodes on the LAN (multicast peer discovery)')
            [CompletionResult]::new('--no-turn', '--no-turn', [CompletionResultType]::ParameterName, 'Never use a TURN relay')
            [CompletionResult]::new('--relay-only', '--relay-only', [CompletionResultType]::ParameterName, 'Offer only the TURN-relayed address as a candidate (no direct path)')
            [CompletionResult]::new('--no-upnp', '--no-upnp', [CompletionResultType]::ParameterName, 'Do not ask the LAN''s UPnP gateway for a port mapping')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ferry;receive' {
            [CompletionResult]::new('--save-as', '--save-as', [CompletionResultType]::ParameterName, 'With CODE: keep the sender''s account as a contact under this alias')
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Accept direct connections on this address instead of requests through the DHT')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Where received files are saved (default: the configuration file''s `dir`, else the download directory)')
            [CompletionResult]::new('--accept', '--accept', [CompletionResultType]::ParameterName, 'Which offers to accept (default: the configuration file''s `accept`, else ask)')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Accept offers only from this device id, account id or contact (repeatable); others are refused before any work is done for them (in the TLS handshake, or when their offer is opened)')
            [CompletionResult]::new('--max-concurrent', '--max-concurrent', [CompletionResultType]::ParameterName, 'Transfers at once; offers beyond are refused as busy (never queued)')
            [CompletionResult]::new('--accept-timeout', '--accept-timeout', [CompletionResultType]::ParameterName, 'Without --yes and without a terminal, how long an offer waits for `ferry accept`')
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Directory holding this device''s keys and state')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from')
            [CompletionResult]::new('--bootstrap', '--bootstrap', [CompletionResultType]::ParameterName, 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)')
            [CompletionResult]::new('--dht-proxy', '--dht-proxy', [CompletionResultType]::ParameterName, 'Reach the DHT through OpenDHT''s REST proxy (Jami''s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami''s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only')
            [CompletionResult]::new('--candidate-ip', '--candidate-ip', [CompletionResultType]::ParameterName, 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)')
            [CompletionResult]::new('--turn', '--turn', [CompletionResultType]::ParameterName, 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS')
            [CompletionResult]::new('--turn-user', '--turn-user', [CompletionResultType]::ParameterName, 'TURN user name')
            [CompletionResult]::new('--turn-password', '--turn-password', [CompletionResultType]::ParameterName, 'TURN password (visible to other users in the process list: prefer --turn-password-file)')
            [CompletionResult]::new('--turn-password-file', '--turn-password-file', [CompletionResultType]::ParameterName, 'File whose first line is the TURN password (should be readable by its owner only)')
            [CompletionResult]::new('--turn-realm', '--turn-realm', [CompletionResultType]::ParameterName, 'TURN realm')
            [CompletionResult]::new('--turn-ca', '--turn-ca', [CompletionResultType]::ParameterName, 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots')
            [CompletionResult]::new('--dht-port', '--dht-port', [CompletionResultType]::ParameterName, 'UDP port of this device''s DHT node (default: any free port)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Accept every offer (from the senders allowed by --from): `--accept all`')
            [CompletionResult]::new('--once', '--once', [CompletionResultType]::ParameterName, 'Exit after one transfer, with its outcome as exit status. Senders refused by --from or as busy, strangers and failed connections leave it waiting')
            [CompletionResult]::new('--stdout', '--stdout', [CompletionResultType]::ParameterName, 'Write the accepted file to standard output (with --once or a CODE); messages and `--json` events go to standard error')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON event per line on stdout instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars, even on a terminal')
            [CompletionResult]::new('--no-discovery', '--no-discovery', [CompletionResultType]::ParameterName, 'Do not look for DHT nodes on the LAN (multicast peer discovery)')
            [CompletionResult]::new('--no-turn', '--no-turn', [CompletionResultType]::ParameterName, 'Never use a TURN relay')
            [CompletionResult]::new('--relay-only', '--relay-only', [CompletionResultType]::ParameterName, 'Offer only the TURN-relayed address as a candidate (no direct path)')
            [CompletionResult]::new('--no-upnp', '--no-upnp', [CompletionResultType]::ParameterName, 'Do not ask the LAN''s UPnP gateway for a port mapping')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ferry;accept' {
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Save under this name')
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Directory holding this device''s keys and state')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from')
            [CompletionResult]::new('--bootstrap', '--bootstrap', [CompletionResultType]::ParameterName, 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)')
            [CompletionResult]::new('--dht-proxy', '--dht-proxy', [CompletionResultType]::ParameterName, 'Reach the DHT through OpenDHT''s REST proxy (Jami''s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami''s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only')
            [CompletionResult]::new('--candidate-ip', '--candidate-ip', [CompletionResultType]::ParameterName, 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)')
            [CompletionResult]::new('--turn', '--turn', [CompletionResultType]::ParameterName, 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS')
            [CompletionResult]::new('--turn-user', '--turn-user', [CompletionResultType]::ParameterName, 'TURN user name')
            [CompletionResult]::new('--turn-password', '--turn-password', [CompletionResultType]::ParameterName, 'TURN password (visible to other users in the process list: prefer --turn-password-file)')
            [CompletionResult]::new('--turn-password-file', '--turn-password-file', [CompletionResultType]::ParameterName, 'File whose first line is the TURN password (should be readable by its owner only)')
            [CompletionResult]::new('--turn-realm', '--turn-realm', [CompletionResultType]::ParameterName, 'TURN realm')
            [CompletionResult]::new('--turn-ca', '--turn-ca', [CompletionResultType]::ParameterName, 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots')
            [CompletionResult]::new('--dht-port', '--dht-port', [CompletionResultType]::ParameterName, 'UDP port of this device''s DHT node (default: any free port)')
            [CompletionResult]::new('--reject', '--reject', [CompletionResultType]::ParameterName, 'Refuse the offer instead')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON event per line on stdout instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars, even on a terminal')
            [CompletionResult]::new('--no-discovery', '--no-discovery', [CompletionResultType]::ParameterName, 'Do not look for DHT nodes on the LAN (multicast peer discovery)')
            [CompletionResult]::new('--no-turn', '--no-turn', [CompletionResultType]::ParameterName, 'Never use a TURN relay')
            [CompletionResult]::new('--relay-only', '--relay-only', [CompletionResultType]::ParameterName, 'Offer only the TURN-relayed address as a candidate (no direct path)')
            [CompletionResult]::new('--no-upnp', '--no-upnp', [CompletionResultType]::ParameterName, 'Do not ask the LAN''s UPnP gateway for a port mapping')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ferry;rerequest' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Where to save the file (default: where it was kept before, or the download directory)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for a member device to send the file')
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Directory holding this device''s keys and state')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from')
            [CompletionResult]::new('--bootstrap', '--bootstrap', [CompletionResultType]::ParameterName, 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)')
            [CompletionResult]::new('--dht-proxy', '--dht-proxy', [CompletionResultType]::ParameterName, 'Reach the DHT through OpenDHT''s REST proxy (Jami''s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami''s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only')
            [CompletionResult]::new('--candidate-ip', '--candidate-ip', [CompletionResultType]::ParameterName, 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)')
            [CompletionResult]::new('--turn', '--turn', [CompletionResultType]::ParameterName, 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS')
            [CompletionResult]::new('--turn-user', '--turn-user', [CompletionResultType]::ParameterName, 'TURN user name')
            [CompletionResult]::new('--turn-password', '--turn-password', [CompletionResultType]::ParameterName, 'TURN password (visible to other users in the process list: prefer --turn-password-file)')
            [CompletionResult]::new('--turn-password-file', '--turn-password-file', [CompletionResultType]::ParameterName, 'File whose first line is the TURN password (should be readable by its owner only)')
            [CompletionResult]::new('--turn-realm', '--turn-realm', [CompletionResultType]::ParameterName, 'TURN realm')
            [CompletionResult]::new('--turn-ca', '--turn-ca', [CompletionResultType]::ParameterName, 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots')
            [CompletionResult]::new('--dht-port', '--dht-port', [CompletionResultType]::ParameterName, 'UDP port of this device''s DHT node (default: any free port)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON event per line on stdout instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars, even on a terminal')
            [CompletionResult]::new('--no-discovery', '--no-discovery', [CompletionResultType]::ParameterName, 'Do not look for DHT nodes on the LAN (multicast peer discovery)')
            [CompletionResult]::new('--no-turn', '--no-turn', [CompletionResultType]::ParameterName, 'Never use a TURN relay')
            [CompletionResult]::new('--relay-only', '--relay-only', [CompletionResultType]::ParameterName, 'Offer only the TURN-relayed address as a candidate (no direct path)')
            [CompletionResult]::new('--no-upnp', '--no-upnp', [CompletionResultType]::ParameterName, 'Do not ask the LAN''s UPnP gateway for a port mapping')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ferry;doctor' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Directory holding this device''s keys and state')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from')
            [CompletionResult]::new('--bootstrap', '--bootstrap', [CompletionResultType]::ParameterName, 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)')
            [CompletionResult]::new('--dht-proxy', '--dht-proxy', [CompletionResultType]::ParameterName, 'Reach the DHT through OpenDHT''s REST proxy (Jami''s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami''s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only')
            [CompletionResult]::new('--candidate-ip', '--candidate-ip', [CompletionResultType]::ParameterName, 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)')
            [CompletionResult]::new('--turn', '--turn', [CompletionResultType]::ParameterName, 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS')
            [CompletionResult]::new('--turn-user', '--turn-user', [CompletionResultType]::ParameterName, 'TURN user name')
            [CompletionResult]::new('--turn-password', '--turn-password', [CompletionResultType]::ParameterName, 'TURN password (visible to other users in the process list: prefer --turn-password-file)')
            [CompletionResult]::new('--turn-password-file', '--turn-password-file', [CompletionResultType]::ParameterName, 'File whose first line is the TURN password (should be readable by its owner only)')
            [CompletionResult]::new('--turn-realm', '--turn-realm', [CompletionResultType]::ParameterName, 'TURN realm')
            [CompletionResult]::new('--turn-ca', '--turn-ca', [CompletionResultType]::ParameterName, 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots')
            [CompletionResult]::new('--dht-port', '--dht-port', [CompletionResultType]::ParameterName, 'UDP port of this device''s DHT node (default: any free port)')
            [CompletionResult]::new('--config-only', '--config-only', [CompletionResultType]::ParameterName, 'Only show the settings and their sources; no network checks')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON event per line on stdout instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars, even on a terminal')
            [CompletionResult]::new('--no-discovery', '--no-discovery', [CompletionResultType]::ParameterName, 'Do not look for DHT nodes on the LAN (multicast peer discovery)')
            [CompletionResult]::new('--no-turn', '--no-turn', [CompletionResultType]::ParameterName, 'Never use a TURN relay')
            [CompletionResult]::new('--relay-only', '--relay-only', [CompletionResultType]::ParameterName, 'Offer only the TURN-relayed address as a candidate (no direct path)')
            [CompletionResult]::new('--no-upnp', '--no-upnp', [CompletionResultType]::ParameterName, 'Do not ask the LAN''s UPnP gateway for a port mapping')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ferry;history' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Directory holding this device''s keys and state')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from')
            [CompletionResult]::new('--bootstrap', '--bootstrap', [CompletionResultType]::ParameterName, 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)')
            [CompletionResult]::new('--dht-proxy', '--dht-proxy', [CompletionResultType]::ParameterName, 'Reach the DHT through OpenDHT''s REST proxy (Jami''s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami''s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only')
            [CompletionResult]::new('--candidate-ip', '--candidate-ip', [CompletionResultType]::ParameterName, 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)')
            [CompletionResult]::new('--turn', '--turn', [CompletionResultType]::ParameterName, 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS')
            [CompletionResult]::new('--turn-user', '--turn-user', [CompletionResultType]::ParameterName, 'TURN user name')
            [CompletionResult]::new('--turn-password', '--turn-password', [CompletionResultType]::ParameterName, 'TURN password (visible to other users in the process list: prefer --turn-password-file)')
            [CompletionResult]::new('--turn-password-file', '--turn-password-file', [CompletionResultType]::ParameterName, 'File whose first line is the TURN password (should be readable by its owner only)')
            [CompletionResult]::new('--turn-realm', '--turn-realm', [CompletionResultType]::ParameterName, 'TURN realm')
            [CompletionResult]::new('--turn-ca', '--turn-ca', [CompletionResultType]::ParameterName, 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots')
            [CompletionResult]::new('--dht-port', '--dht-port', [CompletionResultType]::ParameterName, 'UDP port of this device''s DHT node (default: any free port)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON event per line on stdout instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars, even on a terminal')
            [CompletionResult]::new('--no-discovery', '--no-discovery', [CompletionResultType]::ParameterName, 'Do not look for DHT nodes on the LAN (multicast peer discovery)')
            [CompletionResult]::new('--no-turn', '--no-turn', [CompletionResultType]::ParameterName, 'Never use a TURN relay')
            [CompletionResult]::new('--relay-only', '--relay-only', [CompletionResultType]::ParameterName, 'Offer only the TURN-relayed address as a candidate (no direct path)')
            [CompletionResult]::new('--no-upnp', '--no-upnp', [CompletionResultType]::ParameterName, 'Do not ask the LAN''s UPnP gateway for a port mapping')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ferry;contacts' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Directory holding this device''s keys and state')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from')
            [CompletionResult]::new('--bootstrap', '--bootstrap', [CompletionResultType]::ParameterName, 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)')
            [CompletionResult]::new('--dht-proxy', '--dht-proxy', [CompletionResultType]::ParameterName, 'Reach the DHT through OpenDHT''s REST proxy (Jami''s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami''s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only')
            [CompletionResult]::new('--candidate-ip', '--candidate-ip', [CompletionResultType]::ParameterName, 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)')
            [CompletionResult]::new('--turn', '--turn', [CompletionResultType]::ParameterName, 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS')
            [CompletionResult]::new('--turn-user', '--turn-user', [CompletionResultType]::ParameterName, 'TURN user name')
            [CompletionResult]::new('--turn-password', '--turn-password', [CompletionResultType]::ParameterName, 'TURN password (visible to other users in the process list: prefer --turn-password-file)')
            [CompletionResult]::new('--turn-password-file', '--turn-password-file', [CompletionResultType]::ParameterName, 'File whose first line is the TURN password (should be readable by its owner only)')
            [CompletionResult]::new('--turn-realm', '--turn-realm', [CompletionResultType]::ParameterName, 'TURN realm')
            [CompletionResult]::new('--turn-ca', '--turn-ca', [CompletionResultType]::ParameterName, 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots')
            [CompletionResult]::new('--dht-port', '--dht-port', [CompletionResultType]::ParameterName, 'UDP port of this device''s DHT node (default: any free port)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON event per line on stdout instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars, even on a terminal')
            [CompletionResult]::new('--no-discovery', '--no-discovery', [CompletionResultType]::ParameterName, 'Do not look for DHT nodes on the LAN (multicast peer discovery)')
            [CompletionResult]::new('--no-turn', '--no-turn', [CompletionResultType]::ParameterName, 'Never use a TURN relay')
            [CompletionResult]::new('--relay-only', '--relay-only', [CompletionResultType]::ParameterName, 'Offer only the TURN-relayed address as a candidate (no direct path)')
            [CompletionResult]::new('--no-upnp', '--no-upnp', [CompletionResultType]::ParameterName, 'Do not ask the LAN''s UPnP gateway for a port mapping')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Name an account or device id')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Show every contact')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Forget a contact')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ferry;contacts;add' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Directory holding this device''s keys and state')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from')
            [CompletionResult]::new('--bootstrap', '--bootstrap', [CompletionResultType]::ParameterName, 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)')
            [CompletionResult]::new('--dht-proxy', '--dht-proxy', [CompletionResultType]::ParameterName, 'Reach the DHT through OpenDHT''s REST proxy (Jami''s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami''s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only')
            [CompletionResult]::new('--candidate-ip', '--candidate-ip', [CompletionResultType]::ParameterName, 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)')
            [CompletionResult]::new('--turn', '--turn', [CompletionResultType]::ParameterName, 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS')
            [CompletionResult]::new('--turn-user', '--turn-user', [CompletionResultType]::ParameterName, 'TURN user name')
            [CompletionResult]::new('--turn-password', '--turn-password', [CompletionResultType]::ParameterName, 'TURN password (visible to other users in the process list: prefer --turn-password-file)')
            [CompletionResult]::new('--turn-password-file', '--turn-password-file', [CompletionResultType]::ParameterName, 'File whose first line is the TURN password (should be readable by its owner only)')
            [CompletionResult]::new('--turn-realm', '--turn-realm', [CompletionResultType]::ParameterName, 'TURN realm')
            [CompletionResult]::new('--turn-ca', '--turn-ca', [CompletionResultType]::ParameterName, 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots')
            [CompletionResult]::new('--dht-port', '--dht-port', [CompletionResultType]::ParameterName, 'UDP port of this device''s DHT node (default: any free port)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON event per line on stdout instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars, even on a terminal')
            [CompletionResult]::new('--no-discovery', '--no-discovery', [CompletionResultType]::ParameterName, 'Do not look for DHT nodes on the LAN (multicast peer discovery)')
            [CompletionResult]::new('--no-turn', '--no-turn', [CompletionResultType]::ParameterName, 'Never use a TURN relay')
            [CompletionResult]::new('--relay-only', '--relay-only', [CompletionResultType]::ParameterName, 'Offer only the TURN-relayed address as a candidate (no direct path)')
            [CompletionResult]::new('--no-upnp', '--no-upnp', [CompletionResultType]::ParameterName, 'Do not ask the LAN''s UPnP gateway for a port mapping')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ferry;contacts;list' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Directory holding this device''s keys and state')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from')
            [CompletionResult]::new('--bootstrap', '--bootstrap', [CompletionResultType]::ParameterName, 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)')
            [CompletionResult]::new('--dht-proxy', '--dht-proxy', [CompletionResultType]::ParameterName, 'Reach the DHT through OpenDHT''s REST proxy (Jami''s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami''s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only')
            [CompletionResult]::new('--candidate-ip', '--candidate-ip', [CompletionResultType]::ParameterName, 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)')
            [CompletionResult]::new('--turn', '--turn', [CompletionResultType]::ParameterName, 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS')
            [CompletionResult]::new('--turn-user', '--turn-user', [CompletionResultType]::ParameterName, 'TURN user name')
            [CompletionResult]::new('--turn-password', '--turn-password', [CompletionResultType]::ParameterName, 'TURN password (visible to other users in the process list: prefer --turn-password-file)')
            [CompletionResult]::new('--turn-password-file', '--turn-password-file', [CompletionResultType]::ParameterName, 'File whose first line is the TURN password (should be readable by its owner only)')
            [CompletionResult]::new('--turn-realm', '--turn-realm', [CompletionResultType]::ParameterName, 'TURN realm')
            [CompletionResult]::new('--turn-ca', '--turn-ca', [CompletionResultType]::ParameterName, 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots')
            [CompletionResult]::new('--dht-port', '--dht-port', [CompletionResultType]::ParameterName, 'UDP port of this device''s DHT node (default: any free port)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON event per line on stdout instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars, even on a terminal')
            [CompletionResult]::new('--no-discovery', '--no-discovery', [CompletionResultType]::ParameterName, 'Do not look for DHT nodes on the LAN (multicast peer discovery)')
            [CompletionResult]::new('--no-turn', '--no-turn', [CompletionResultType]::ParameterName, 'Never use a TURN relay')
            [CompletionResult]::new('--relay-only', '--relay-only', [CompletionResultType]::ParameterName, 'Offer only the TURN-relayed address as a candidate (no direct path)')
            [CompletionResult]::new('--no-upnp', '--no-upnp', [CompletionResultType]::ParameterName, 'Do not ask the LAN''s UPnP gateway for a port mapping')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ferry;contacts;remove' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Directory holding this device''s keys and state')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from')
            [CompletionResult]::new('--bootstrap', '--bootstrap', [CompletionResultType]::ParameterName, 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)')
            [CompletionResult]::new('--dht-proxy', '--dht-proxy', [CompletionResultType]::ParameterName, 'Reach the DHT through OpenDHT''s REST proxy (Jami''s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami''s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only')
            [CompletionResult]::new('--candidate-ip', '--candidate-ip', [CompletionResultType]::ParameterName, 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)')
            [CompletionResult]::new('--turn', '--turn', [CompletionResultType]::ParameterName, 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS')
            [CompletionResult]::new('--turn-user', '--turn-user', [CompletionResultType]::ParameterName, 'TURN user name')
            [CompletionResult]::new('--turn-password', '--turn-password', [CompletionResultType]::ParameterName, 'TURN password (visible to other users in the process list: prefer --turn-password-file)')
            [CompletionResult]::new('--turn-password-file', '--turn-password-file', [CompletionResultType]::ParameterName, 'File whose first line is the TURN password (should be readable by its owner only)')
            [CompletionResult]::new('--turn-realm', '--turn-realm', [CompletionResultType]::ParameterName, 'TURN realm')
            [CompletionResult]::new('--turn-ca', '--turn-ca', [CompletionResultType]::ParameterName, 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots')
            [CompletionResult]::new('--dht-port', '--dht-port', [CompletionResultType]::ParameterName, 'UDP port of this device''s DHT node (default: any free port)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON event per line on stdout instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars, even on a terminal')
            [CompletionResult]::new('--no-discovery', '--no-discovery', [CompletionResultType]::ParameterName, 'Do not look for DHT nodes on the LAN (multicast peer discovery)')
            [CompletionResult]::new('--no-turn', '--no-turn', [CompletionResultType]::ParameterName, 'Never use a TURN relay')
            [CompletionResult]::new('--relay-only', '--relay-only', [CompletionResultType]::ParameterName, 'Offer only the TURN-relayed address as a candidate (no direct path)')
            [CompletionResult]::new('--no-upnp', '--no-upnp', [CompletionResultType]::ParameterName, 'Do not ask the LAN''s UPnP gateway for a port mapping')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ferry;contacts;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Name an account or device id')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Show every contact')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Forget a contact')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ferry;contacts;help;add' {
            break
        }
        'ferry;contacts;help;list' {
            break
        }
        'ferry;contacts;help;remove' {
            break
        }
        'ferry;contacts;help;help' {
            break
        }
        'ferry;account' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Directory holding this device''s keys and state')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from')
            [CompletionResult]::new('--bootstrap', '--bootstrap', [CompletionResultType]::ParameterName, 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)')
            [CompletionResult]::new('--dht-proxy', '--dht-proxy', [CompletionResultType]::ParameterName, 'Reach the DHT through OpenDHT''s REST proxy (Jami''s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami''s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only')
            [CompletionResult]::new('--candidate-ip', '--candidate-ip', [CompletionResultType]::ParameterName, 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)')
            [CompletionResult]::new('--turn', '--turn', [CompletionResultType]::ParameterName, 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS')
            [CompletionResult]::new('--turn-user', '--turn-user', [CompletionResultType]::ParameterName, 'TURN user name')
            [CompletionResult]::new('--turn-password', '--turn-password', [CompletionResultType]::ParameterName, 'TURN password (visible to other users in the process list: prefer --turn-password-file)')
            [CompletionResult]::new('--turn-password-file', '--turn-password-file', [CompletionResultType]::ParameterName, 'File whose first line is the TURN password (should be readable by its owner only)')
            [CompletionResult]::new('--turn-realm', '--turn-realm', [CompletionResultType]::ParameterName, 'TURN realm')
            [CompletionResult]::new('--turn-ca', '--turn-ca', [CompletionResultType]::ParameterName, 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots')
            [CompletionResult]::new('--dht-port', '--dht-port', [CompletionResultType]::ParameterName, 'UDP port of this device''s DHT node (default: any free port)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON event per line on stdout instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars, even on a terminal')
            [CompletionResult]::new('--no-discovery', '--no-discovery', [CompletionResultType]::ParameterName, 'Do not look for DHT nodes on the LAN (multicast peer discovery)')
            [CompletionResult]::new('--no-turn', '--no-turn', [CompletionResultType]::ParameterName, 'Never use a TURN relay')
            [CompletionResult]::new('--relay-only', '--relay-only', [CompletionResultType]::ParameterName, 'Offer only the TURN-relayed address as a candidate (no direct path)')
            [CompletionResult]::new('--no-upnp', '--no-upnp', [CompletionResultType]::ParameterName, 'Do not ask the LAN''s UPnP gateway for a port mapping')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write the account, sealed with a passphrase, for `ferry account import`')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Make this machine a new device of the account in FILE (with its own key)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ferry;account;export' {
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'The archive to write (mode 0600; never overwritten)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from this file (first line) instead of a terminal prompt')
            [CompletionResult]::new('--passphrase-env', '--passphrase-env', [CompletionResultType]::ParameterName, 'The passphrase, for scripts')
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Directory holding this device''s keys and state')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from')
            [CompletionResult]::new('--bootstrap', '--bootstrap', [CompletionResultType]::ParameterName, 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)')
            [CompletionResult]::new('--dht-proxy', '--dht-proxy', [CompletionResultType]::ParameterName, 'Reach the DHT through OpenDHT''s REST proxy (Jami''s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami''s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only')
            [CompletionResult]::new('--candidate-ip', '--candidate-ip', [CompletionResultType]::ParameterName, 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)')
            [CompletionResult]::new('--turn', '--turn', [CompletionResultType]::ParameterName, 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS')
            [CompletionResult]::new('--turn-user', '--turn-user', [CompletionResultType]::ParameterName, 'TURN user name')
            [CompletionResult]::new('--turn-password', '--turn-password', [CompletionResultType]::ParameterName, 'TURN password (visible to other users in the process list: prefer --turn-password-file)')
            [CompletionResult]::new('--turn-password-file', '--turn-password-file', [CompletionResultType]::ParameterName, 'File whose first line is the TURN password (should be readable by its owner only)')
            [CompletionResult]::new('--turn-realm', '--turn-realm', [CompletionResultType]::ParameterName, 'TURN realm')
            [CompletionResult]::new('--turn-ca', '--turn-ca', [CompletionResultType]::ParameterName, 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots')
            [CompletionResult]::new('--dht-port', '--dht-port', [CompletionResultType]::ParameterName, 'UDP port of this device''s DHT node (default: any free port)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON event per line on stdout instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars, even on a terminal')
            [CompletionResult]::new('--no-discovery', '--no-discovery', [CompletionResultType]::ParameterName, 'Do not look for DHT nodes on the LAN (multicast peer discovery)')
            [CompletionResult]::new('--no-turn', '--no-turn', [CompletionResultType]::ParameterName, 'Never use a TURN relay')
            [CompletionResult]::new('--relay-only', '--relay-only', [CompletionResultType]::ParameterName, 'Offer only the TURN-relayed address as a candidate (no direct path)')
            [CompletionResult]::new('--no-upnp', '--no-upnp', [CompletionResultType]::ParameterName, 'Do not ask the LAN''s UPnP gateway for a port mapping')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ferry;account;import' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from this file (first line) instead of a terminal prompt')
            [CompletionResult]::new('--passphrase-env', '--passphrase-env', [CompletionResultType]::ParameterName, 'The passphrase, for scripts')
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Directory holding this device''s keys and state')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from')
            [CompletionResult]::new('--bootstrap', '--bootstrap', [CompletionResultType]::ParameterName, 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)')
            [CompletionResult]::new('--dht-proxy', '--dht-proxy', [CompletionResultType]::ParameterName, 'Reach the DHT through OpenDHT''s REST proxy (Jami''s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami''s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only')
            [CompletionResult]::new('--candidate-ip', '--candidate-ip', [CompletionResultType]::ParameterName, 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)')
            [CompletionResult]::new('--turn', '--turn', [CompletionResultType]::ParameterName, 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS')
            [CompletionResult]::new('--turn-user', '--turn-user', [CompletionResultType]::ParameterName, 'TURN user name')
            [CompletionResult]::new('--turn-password', '--turn-password', [CompletionResultType]::ParameterName, 'TURN password (visible to other users in the process list: prefer --turn-password-file)')
            [CompletionResult]::new('--turn-password-file', '--turn-password-file', [CompletionResultType]::ParameterName, 'File whose first line is the TURN password (should be readable by its owner only)')
            [CompletionResult]::new('--turn-realm', '--turn-realm', [CompletionResultType]::ParameterName, 'TURN realm')
            [CompletionResult]::new('--turn-ca', '--turn-ca', [CompletionResultType]::ParameterName, 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots')
            [CompletionResult]::new('--dht-port', '--dht-port', [CompletionResultType]::ParameterName, 'UDP port of this device''s DHT node (default: any free port)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON event per line on stdout instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars, even on a terminal')
            [CompletionResult]::new('--no-discovery', '--no-discovery', [CompletionResultType]::ParameterName, 'Do not look for DHT nodes on the LAN (multicast peer discovery)')
            [CompletionResult]::new('--no-turn', '--no-turn', [CompletionResultType]::ParameterName, 'Never use a TURN relay')
            [CompletionResult]::new('--relay-only', '--relay-only', [CompletionResultType]::ParameterName, 'Offer only the TURN-relayed address as a candidate (no direct path)')
            [CompletionResult]::new('--no-upnp', '--no-upnp', [CompletionResultType]::ParameterName, 'Do not ask the LAN''s UPnP gateway for a port mapping')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ferry;account;help' {
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write the account, sealed with a passphrase, for `ferry account import`')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Make this machine a new device of the account in FILE (with its own key)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ferry;account;help;export' {
            break
        }
        'ferry;account;help;import' {
            break
        }
        'ferry;account;help;help' {
            break
        }
        'ferry;dht' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Directory holding this device''s keys and state')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from')
            [CompletionResult]::new('--bootstrap', '--bootstrap', [CompletionResultType]::ParameterName, 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)')
            [CompletionResult]::new('--dht-proxy', '--dht-proxy', [CompletionResultType]::ParameterName, 'Reach the DHT through OpenDHT''s REST proxy (Jami''s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami''s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only')
            [CompletionResult]::new('--candidate-ip', '--candidate-ip', [CompletionResultType]::ParameterName, 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)')
            [CompletionResult]::new('--turn', '--turn', [CompletionResultType]::ParameterName, 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS')
            [CompletionResult]::new('--turn-user', '--turn-user', [CompletionResultType]::ParameterName, 'TURN user name')
            [CompletionResult]::new('--turn-password', '--turn-password', [CompletionResultType]::ParameterName, 'TURN password (visible to other users in the process list: prefer --turn-password-file)')
            [CompletionResult]::new('--turn-password-file', '--turn-password-file', [CompletionResultType]::ParameterName, 'File whose first line is the TURN password (should be readable by its owner only)')
            [CompletionResult]::new('--turn-realm', '--turn-realm', [CompletionResultType]::ParameterName, 'TURN realm')
            [CompletionResult]::new('--turn-ca', '--turn-ca', [CompletionResultType]::ParameterName, 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots')
            [CompletionResult]::new('--dht-port', '--dht-port', [CompletionResultType]::ParameterName, 'UDP port of this device''s DHT node (default: any free port)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON event per line on stdout instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars, even on a terminal')
            [CompletionResult]::new('--no-discovery', '--no-discovery', [CompletionResultType]::ParameterName, 'Do not look for DHT nodes on the LAN (multicast peer discovery)')
            [CompletionResult]::new('--no-turn', '--no-turn', [CompletionResultType]::ParameterName, 'Never use a TURN relay')
            [CompletionResult]::new('--relay-only', '--relay-only', [CompletionResultType]::ParameterName, 'Offer only the TURN-relayed address as a candidate (no direct path)')
            [CompletionResult]::new('--no-upnp', '--no-upnp', [CompletionResultType]::ParameterName, 'Do not ask the LAN''s UPnP gateway for a port mapping')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('ping', 'ping', [CompletionResultType]::ParameterValue, 'Ping a DHT node and print its id')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print the values stored at KEY (a string, hashed as OpenDHT does, or 40 hex digits)')
            [CompletionResult]::new('put', 'put', [CompletionResultType]::ParameterValue, 'Store TEXT at KEY')
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Print values at KEY as they appear and expire, until Ctrl-C')
            [CompletionResult]::new('node', 'node', [CompletionResultType]::ParameterValue, 'Run a DHT node until Ctrl-C (prints its address and id)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ferry;dht;ping' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Directory holding this device''s keys and state')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from')
            [CompletionResult]::new('--bootstrap', '--bootstrap', [CompletionResultType]::ParameterName, 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)')
            [CompletionResult]::new('--dht-proxy', '--dht-proxy', [CompletionResultType]::ParameterName, 'Reach the DHT through OpenDHT''s REST proxy (Jami''s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami''s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only')
            [CompletionResult]::new('--candidate-ip', '--candidate-ip', [CompletionResultType]::ParameterName, 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)')
            [CompletionResult]::new('--turn', '--turn', [CompletionResultType]::ParameterName, 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS')
            [CompletionResult]::new('--turn-user', '--turn-user', [CompletionResultType]::ParameterName, 'TURN user name')
            [CompletionResult]::new('--turn-password', '--turn-password', [CompletionResultType]::ParameterName, 'TURN password (visible to other users in the process list: prefer --turn-password-file)')
            [CompletionResult]::new('--turn-password-file', '--turn-password-file', [CompletionResultType]::ParameterName, 'File whose first line is the TURN password (should be readable by its owner only)')
            [CompletionResult]::new('--turn-realm', '--turn-realm', [CompletionResultType]::ParameterName, 'TURN realm')
            [CompletionResult]::new('--turn-ca', '--turn-ca', [CompletionResultType]::ParameterName, 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots')
            [CompletionResult]::new('--dht-port', '--dht-port', [CompletionResultType]::ParameterName, 'UDP port of this device''s DHT node (default: any free port)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON event per line on stdout instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars, even on a terminal')
            [CompletionResult]::new('--no-discovery', '--no-discovery', [CompletionResultType]::ParameterName, 'Do not look for DHT nodes on the LAN (multicast peer discovery)')
            [CompletionResult]::new('--no-turn', '--no-turn', [CompletionResultType]::ParameterName, 'Never use a TURN relay')
            [CompletionResult]::new('--relay-only', '--relay-only', [CompletionResultType]::ParameterName, 'Offer only the TURN-relayed address as a candidate (no direct path)')
            [CompletionResult]::new('--no-upnp', '--no-upnp', [CompletionResultType]::ParameterName, 'Do not ask the LAN''s UPnP gateway for a port mapping')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ferry;dht;get' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Directory holding this device''s keys and state')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from')
            [CompletionResult]::new('--bootstrap', '--bootstrap', [CompletionResultType]::ParameterName, 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)')
            [CompletionResult]::new('--dht-proxy', '--dht-proxy', [CompletionResultType]::ParameterName, 'Reach the DHT through OpenDHT''s REST proxy (Jami''s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami''s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only')
            [CompletionResult]::new('--candidate-ip', '--candidate-ip', [CompletionResultType]::ParameterName, 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)')
            [CompletionResult]::new('--turn', '--turn', [CompletionResultType]::ParameterName, 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS')
            [CompletionResult]::new('--turn-user', '--turn-user', [CompletionResultType]::ParameterName, 'TURN user name')
            [CompletionResult]::new('--turn-password', '--turn-password', [CompletionResultType]::ParameterName, 'TURN password (visible to other users in the process list: prefer --turn-password-file)')
            [CompletionResult]::new('--turn-password-file', '--turn-password-file', [CompletionResultType]::ParameterName, 'File whose first line is the TURN password (should be readable by its owner only)')
            [CompletionResult]::new('--turn-realm', '--turn-realm', [CompletionResultType]::ParameterName, 'TURN realm')
            [CompletionResult]::new('--turn-ca', '--turn-ca', [CompletionResultType]::ParameterName, 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots')
            [CompletionResult]::new('--dht-port', '--dht-port', [CompletionResultType]::ParameterName, 'UDP port of this device''s DHT node (default: any free port)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON event per line on stdout instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars, even on a terminal')
            [CompletionResult]::new('--no-discovery', '--no-discovery', [CompletionResultType]::ParameterName, 'Do not look for DHT nodes on the LAN (multicast peer discovery)')
            [CompletionResult]::new('--no-turn', '--no-turn', [CompletionResultType]::ParameterName, 'Never use a TURN relay')
            [CompletionResult]::new('--relay-only', '--relay-only', [CompletionResultType]::ParameterName, 'Offer only the TURN-relayed address as a candidate (no direct path)')
            [CompletionResult]::new('--no-upnp', '--no-upnp', [CompletionResultType]::ParameterName, 'Do not ask the LAN''s UPnP gateway for a port mapping')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ferry;dht;put' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Directory holding this device''s keys and state')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from')
            [CompletionResult]::new('--bootstrap', '--bootstrap', [CompletionResultType]::ParameterName, 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)')
            [CompletionResult]::new('--dht-proxy', '--dht-proxy', [CompletionResultType]::ParameterName, 'Reach the DHT through OpenDHT''s REST proxy (Jami''s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami''s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only')
            [CompletionResult]::new('--candidate-ip', '--candidate-ip', [CompletionResultType]::ParameterName, 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)')
            [CompletionResult]::new('--turn', '--turn', [CompletionResultType]::ParameterName, 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS')
            [CompletionResult]::new('--turn-user', '--turn-user', [CompletionResultType]::ParameterName, 'TURN user name')
            [CompletionResult]::new('--turn-password', '--turn-password', [CompletionResultType]::ParameterName, 'TURN password (visible to other users in the process list: prefer --turn-password-file)')
            [CompletionResult]::new('--turn-password-file', '--turn-password-file', [CompletionResultType]::ParameterName, 'File whose first line is the TURN password (should be readable by its owner only)')
            [CompletionResult]::new('--turn-realm', '--turn-realm', [CompletionResultType]::ParameterName, 'TURN realm')
            [CompletionResult]::new('--turn-ca', '--turn-ca', [CompletionResultType]::ParameterName, 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots')
            [CompletionResult]::new('--dht-port', '--dht-port', [CompletionResultType]::ParameterName, 'UDP port of this device''s DHT node (default: any free port)')
            [CompletionResult]::new('--keep', '--keep', [CompletionResultType]::ParameterName, 'Stay online and keep the value alive until Ctrl-C')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON event per line on stdout instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars, even on a terminal')
            [CompletionResult]::new('--no-discovery', '--no-discovery', [CompletionResultType]::ParameterName, 'Do not look for DHT nodes on the LAN (multicast peer discovery)')
            [CompletionResult]::new('--no-turn', '--no-turn', [CompletionResultType]::ParameterName, 'Never use a TURN relay')
            [CompletionResult]::new('--relay-only', '--relay-only', [CompletionResultType]::ParameterName, 'Offer only the TURN-relayed address as a candidate (no direct path)')
            [CompletionResult]::new('--no-upnp', '--no-upnp', [CompletionResultType]::ParameterName, 'Do not ask the LAN''s UPnP gateway for a port mapping')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ferry;dht;listen' {
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Exit after this many new values')
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Directory holding this device''s keys and state')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from')
            [CompletionResult]::new('--bootstrap', '--bootstrap', [CompletionResultType]::ParameterName, 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)')
            [CompletionResult]::new('--dht-proxy', '--dht-proxy', [CompletionResultType]::ParameterName, 'Reach the DHT through OpenDHT''s REST proxy (Jami''s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami''s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only')
            [CompletionResult]::new('--candidate-ip', '--candidate-ip', [CompletionResultType]::ParameterName, 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)')
            [CompletionResult]::new('--turn', '--turn', [CompletionResultType]::ParameterName, 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS')
            [CompletionResult]::new('--turn-user', '--turn-user', [CompletionResultType]::ParameterName, 'TURN user name')
            [CompletionResult]::new('--turn-password', '--turn-password', [CompletionResultType]::ParameterName, 'TURN password (visible to other users in the process list: prefer --turn-password-file)')
            [CompletionResult]::new('--turn-password-file', '--turn-password-file', [CompletionResultType]::ParameterName, 'File whose first line is the TURN password (should be readable by its owner only)')
            [CompletionResult]::new('--turn-realm', '--turn-realm', [CompletionResultType]::ParameterName, 'TURN realm')
            [CompletionResult]::new('--turn-ca', '--turn-ca', [CompletionResultType]::ParameterName, 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots')
            [CompletionResult]::new('--dht-port', '--dht-port', [CompletionResultType]::ParameterName, 'UDP port of this device''s DHT node (default: any free port)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON event per line on stdout instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars, even on a terminal')
            [CompletionResult]::new('--no-discovery', '--no-discovery', [CompletionResultType]::ParameterName, 'Do not look for DHT nodes on the LAN (multicast peer discovery)')
            [CompletionResult]::new('--no-turn', '--no-turn', [CompletionResultType]::ParameterName, 'Never use a TURN relay')
            [CompletionResult]::new('--relay-only', '--relay-only', [CompletionResultType]::ParameterName, 'Offer only the TURN-relayed address as a candidate (no direct path)')
            [CompletionResult]::new('--no-upnp', '--no-upnp', [CompletionResultType]::ParameterName, 'Do not ask the LAN''s UPnP gateway for a port mapping')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ferry;dht;node' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Directory holding this device''s keys and state')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from')
            [CompletionResult]::new('--bootstrap', '--bootstrap', [CompletionResultType]::ParameterName, 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)')
            [CompletionResult]::new('--dht-proxy', '--dht-proxy', [CompletionResultType]::ParameterName, 'Reach the DHT through OpenDHT''s REST proxy (Jami''s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami''s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only')
            [CompletionResult]::new('--candidate-ip', '--candidate-ip', [CompletionResultType]::ParameterName, 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)')
            [CompletionResult]::new('--turn', '--turn', [CompletionResultType]::ParameterName, 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS')
            [CompletionResult]::new('--turn-user', '--turn-user', [CompletionResultType]::ParameterName, 'TURN user name')
            [CompletionResult]::new('--turn-password', '--turn-password', [CompletionResultType]::ParameterName, 'TURN password (visible to other users in the process list: prefer --turn-password-file)')
            [CompletionResult]::new('--turn-password-file', '--turn-password-file', [CompletionResultType]::ParameterName, 'File whose first line is the TURN password (should be readable by its owner only)')
            [CompletionResult]::new('--turn-realm', '--turn-realm', [CompletionResultType]::ParameterName, 'TURN realm')
            [CompletionResult]::new('--turn-ca', '--turn-ca', [CompletionResultType]::ParameterName, 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots')
            [CompletionResult]::new('--dht-port', '--dht-port', [CompletionResultType]::ParameterName, 'UDP port of this device''s DHT node (default: any free port)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON event per line on stdout instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars, even on a terminal')
            [CompletionResult]::new('--no-discovery', '--no-discovery', [CompletionResultType]::ParameterName, 'Do not look for DHT nodes on the LAN (multicast peer discovery)')
            [CompletionResult]::new('--no-turn', '--no-turn', [CompletionResultType]::ParameterName, 'Never use a TURN relay')
            [CompletionResult]::new('--relay-only', '--relay-only', [CompletionResultType]::ParameterName, 'Offer only the TURN-relayed address as a candidate (no direct path)')
            [CompletionResult]::new('--no-upnp', '--no-upnp', [CompletionResultType]::ParameterName, 'Do not ask the LAN''s UPnP gateway for a port mapping')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ferry;dht;help' {
            [CompletionResult]::new('ping', 'ping', [CompletionResultType]::ParameterValue, 'Ping a DHT node and print its id')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print the values stored at KEY (a string, hashed as OpenDHT does, or 40 hex digits)')
            [CompletionResult]::new('put', 'put', [CompletionResultType]::ParameterValue, 'Store TEXT at KEY')
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Print values at KEY as they appear and expire, until Ctrl-C')
            [CompletionResult]::new('node', 'node', [CompletionResultType]::ParameterValue, 'Run a DHT node until Ctrl-C (prints its address and id)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ferry;dht;help;ping' {
            break
        }
        'ferry;dht;help;get' {
            break
        }
        'ferry;dht;help;put' {
            break
        }
        'ferry;dht;help;listen' {
            break
        }
        'ferry;dht;help;node' {
            break
        }
        'ferry;dht;help;help' {
            break
        }
        'ferry;generate' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Directory holding this device''s keys and state')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from')
            [CompletionResult]::new('--bootstrap', '--bootstrap', [CompletionResultType]::ParameterName, 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)')
            [CompletionResult]::new('--dht-proxy', '--dht-proxy', [CompletionResultType]::ParameterName, 'Reach the DHT through OpenDHT''s REST proxy (Jami''s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami''s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only')
            [CompletionResult]::new('--candidate-ip', '--candidate-ip', [CompletionResultType]::ParameterName, 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)')
            [CompletionResult]::new('--turn', '--turn', [CompletionResultType]::ParameterName, 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS')
            [CompletionResult]::new('--turn-user', '--turn-user', [CompletionResultType]::ParameterName, 'TURN user name')
            [CompletionResult]::new('--turn-password', '--turn-password', [CompletionResultType]::ParameterName, 'TURN password (visible to other users in the process list: prefer --turn-password-file)')
            [CompletionResult]::new('--turn-password-file', '--turn-password-file', [CompletionResultType]::ParameterName, 'File whose first line is the TURN password (should be readable by its owner only)')
            [CompletionResult]::new('--turn-realm', '--turn-realm', [CompletionResultType]::ParameterName, 'TURN realm')
            [CompletionResult]::new('--turn-ca', '--turn-ca', [CompletionResultType]::ParameterName, 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots')
            [CompletionResult]::new('--dht-port', '--dht-port', [CompletionResultType]::ParameterName, 'UDP port of this device''s DHT node (default: any free port)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON event per line on stdout instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars, even on a terminal')
            [CompletionResult]::new('--no-discovery', '--no-discovery', [CompletionResultType]::ParameterName, 'Do not look for DHT nodes on the LAN (multicast peer discovery)')
            [CompletionResult]::new('--no-turn', '--no-turn', [CompletionResultType]::ParameterName, 'Never use a TURN relay')
            [CompletionResult]::new('--relay-only', '--relay-only', [CompletionResultType]::ParameterName, 'Offer only the TURN-relayed address as a candidate (no direct path)')
            [CompletionResult]::new('--no-upnp', '--no-upnp', [CompletionResultType]::ParameterName, 'Do not ask the LAN''s UPnP gateway for a port mapping')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'The man page of `ferry`, or of one subcommand (`send`, `dht-get`, ...), in roff')
            [CompletionResult]::new('man-pages', 'man-pages', [CompletionResultType]::ParameterValue, 'The names of every man page, one a line (`ferry`, `ferry-send`, ...)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Completions for a shell')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ferry;generate;man' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Directory holding this device''s keys and state')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from')
            [CompletionResult]::new('--bootstrap', '--bootstrap', [CompletionResultType]::ParameterName, 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)')
            [CompletionResult]::new('--dht-proxy', '--dht-proxy', [CompletionResultType]::ParameterName, 'Reach the DHT through OpenDHT''s REST proxy (Jami''s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami''s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only')
            [CompletionResult]::new('--candidate-ip', '--candidate-ip', [CompletionResultType]::ParameterName, 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)')
            [CompletionResult]::new('--turn', '--turn', [CompletionResultType]::ParameterName, 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS')
            [CompletionResult]::new('--turn-user', '--turn-user', [CompletionResultType]::ParameterName, 'TURN user name')
            [CompletionResult]::new('--turn-password', '--turn-password', [CompletionResultType]::ParameterName, 'TURN password (visible to other users in the process list: prefer --turn-password-file)')
            [CompletionResult]::new('--turn-password-file', '--turn-password-file', [CompletionResultType]::ParameterName, 'File whose first line is the TURN password (should be readable by its owner only)')
            [CompletionResult]::new('--turn-realm', '--turn-realm', [CompletionResultType]::ParameterName, 'TURN realm')
            [CompletionResult]::new('--turn-ca', '--turn-ca', [CompletionResultType]::ParameterName, 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots')
            [CompletionResult]::new('--dht-port', '--dht-port', [CompletionResultType]::ParameterName, 'UDP port of this device''s DHT node (default: any free port)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON event per line on stdout instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars, even on a terminal')
            [CompletionResult]::new('--no-discovery', '--no-discovery', [CompletionResultType]::ParameterName, 'Do not look for DHT nodes on the LAN (multicast peer discovery)')
            [CompletionResult]::new('--no-turn', '--no-turn', [CompletionResultType]::ParameterName, 'Never use a TURN relay')
            [CompletionResult]::new('--relay-only', '--relay-only', [CompletionResultType]::ParameterName, 'Offer only the TURN-relayed address as a candidate (no direct path)')
            [CompletionResult]::new('--no-upnp', '--no-upnp', [CompletionResultType]::ParameterName, 'Do not ask the LAN''s UPnP gateway for a port mapping')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ferry;generate;man-pages' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Directory holding this device''s keys and state')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from')
            [CompletionResult]::new('--bootstrap', '--bootstrap', [CompletionResultType]::ParameterName, 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)')
            [CompletionResult]::new('--dht-proxy', '--dht-proxy', [CompletionResultType]::ParameterName, 'Reach the DHT through OpenDHT''s REST proxy (Jami''s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami''s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only')
            [CompletionResult]::new('--candidate-ip', '--candidate-ip', [CompletionResultType]::ParameterName, 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)')
            [CompletionResult]::new('--turn', '--turn', [CompletionResultType]::ParameterName, 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS')
            [CompletionResult]::new('--turn-user', '--turn-user', [CompletionResultType]::ParameterName, 'TURN user name')
            [CompletionResult]::new('--turn-password', '--turn-password', [CompletionResultType]::ParameterName, 'TURN password (visible to other users in the process list: prefer --turn-password-file)')
            [CompletionResult]::new('--turn-password-file', '--turn-password-file', [CompletionResultType]::ParameterName, 'File whose first line is the TURN password (should be readable by its owner only)')
            [CompletionResult]::new('--turn-realm', '--turn-realm', [CompletionResultType]::ParameterName, 'TURN realm')
            [CompletionResult]::new('--turn-ca', '--turn-ca', [CompletionResultType]::ParameterName, 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots')
            [CompletionResult]::new('--dht-port', '--dht-port', [CompletionResultType]::ParameterName, 'UDP port of this device''s DHT node (default: any free port)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON event per line on stdout instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars, even on a terminal')
            [CompletionResult]::new('--no-discovery', '--no-discovery', [CompletionResultType]::ParameterName, 'Do not look for DHT nodes on the LAN (multicast peer discovery)')
            [CompletionResult]::new('--no-turn', '--no-turn', [CompletionResultType]::ParameterName, 'Never use a TURN relay')
            [CompletionResult]::new('--relay-only', '--relay-only', [CompletionResultType]::ParameterName, 'Offer only the TURN-relayed address as a candidate (no direct path)')
            [CompletionResult]::new('--no-upnp', '--no-upnp', [CompletionResultType]::ParameterName, 'Do not ask the LAN''s UPnP gateway for a port mapping')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ferry;generate;completions' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Directory holding this device''s keys and state')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from')
            [CompletionResult]::new('--bootstrap', '--bootstrap', [CompletionResultType]::ParameterName, 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)')
            [CompletionResult]::new('--dht-proxy', '--dht-proxy', [CompletionResultType]::ParameterName, 'Reach the DHT through OpenDHT''s REST proxy (Jami''s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami''s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only')
            [CompletionResult]::new('--candidate-ip', '--candidate-ip', [CompletionResultType]::ParameterName, 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)')
            [CompletionResult]::new('--turn', '--turn', [CompletionResultType]::ParameterName, 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS')
            [CompletionResult]::new('--turn-user', '--turn-user', [CompletionResultType]::ParameterName, 'TURN user name')
            [CompletionResult]::new('--turn-password', '--turn-password', [CompletionResultType]::ParameterName, 'TURN password (visible to other users in the process list: prefer --turn-password-file)')
            [CompletionResult]::new('--turn-password-file', '--turn-password-file', [CompletionResultType]::ParameterName, 'File whose first line is the TURN password (should be readable by its owner only)')
            [CompletionResult]::new('--turn-realm', '--turn-realm', [CompletionResultType]::ParameterName, 'TURN realm')
            [CompletionResult]::new('--turn-ca', '--turn-ca', [CompletionResultType]::ParameterName, 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots')
            [CompletionResult]::new('--dht-port', '--dht-port', [CompletionResultType]::ParameterName, 'UDP port of this device''s DHT node (default: any free port)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON event per line on stdout instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars, even on a terminal')
            [CompletionResult]::new('--no-discovery', '--no-discovery', [CompletionResultType]::ParameterName, 'Do not look for DHT nodes on the LAN (multicast peer discovery)')
            [CompletionResult]::new('--no-turn', '--no-turn', [CompletionResultType]::ParameterName, 'Never use a TURN relay')
            [CompletionResult]::new('--relay-only', '--relay-only', [CompletionResultType]::ParameterName, 'Offer only the TURN-relayed address as a candidate (no direct path)')
            [CompletionResult]::new('--no-upnp', '--no-upnp', [CompletionResultType]::ParameterName, 'Do not ask the LAN''s UPnP gateway for a port mapping')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ferry;generate;help' {
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'The man page of `ferry`, or of one subcommand (`send`, `dht-get`, ...), in roff')
            [CompletionResult]::new('man-pages', 'man-pages', [CompletionResultType]::ParameterValue, 'The names of every man page, one a line (`ferry`, `ferry-send`, ...)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Completions for a shell')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ferry;generate;help;man' {
            break
        }
        'ferry;generate;help;man-pages' {
            break
        }
        'ferry;generate;help;completions' {
            break
        }
        'ferry;generate;help;help' {
            break
        }
        'ferry;help' {
            [CompletionResult]::new('id', 'id', [CompletionResultType]::ParameterValue, 'Show this device''s account id, device id and name (created on first use)')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Send files to a device (--to), or to whoever types the one-time code shown')
            [CompletionResult]::new('receive', 'receive', [CompletionResultType]::ParameterValue, 'Stay online and receive files, or receive one transfer with a code from `ferry send`')
            [CompletionResult]::new('accept', 'accept', [CompletionResultType]::ParameterValue, 'List the offers waiting in the running `ferry receive`, or accept or refuse one')
            [CompletionResult]::new('rerequest', 'rerequest', [CompletionResultType]::ParameterValue, 'Ask the conversation''s other members to send a recorded transfer again; kept only if its SHA3-256 matches the recorded one')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Show the settings and where each comes from; check the DHT, candidates, UPnP and the TURN server')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'The transfers this device sent and received')
            [CompletionResult]::new('contacts', 'contacts', [CompletionResultType]::ParameterValue, 'Short names for ids: `add ALIAS ID`, `list`, `remove ALIAS`')
            [CompletionResult]::new('account', 'account', [CompletionResultType]::ParameterValue, 'Link another device to this account: export the account, import it there')
            [CompletionResult]::new('dht', 'dht', [CompletionResultType]::ParameterValue, 'Talk to the DHT directly, for diagnosis (as `dhtnode` does)')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Print the man page or shell completions')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ferry;help;id' {
            break
        }
        'ferry;help;send' {
            break
        }
        'ferry;help;receive' {
            break
        }
        'ferry;help;accept' {
            break
        }
        'ferry;help;rerequest' {
            break
        }
        'ferry;help;doctor' {
            break
        }
        'ferry;help;history' {
            break
        }
        'ferry;help;contacts' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Name an account or device id')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Show every contact')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Forget a contact')
            break
        }
        'ferry;help;contacts;add' {
            break
        }
        'ferry;help;contacts;list' {
            break
        }
        'ferry;help;contacts;remove' {
            break
        }
        'ferry;help;account' {
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write the account, sealed with a passphrase, for `ferry account import`')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Make this machine a new device of the account in FILE (with its own key)')
            break
        }
        'ferry;help;account;export' {
            break
        }
        'ferry;help;account;import' {
            break
        }
        'ferry;help;dht' {
            [CompletionResult]::new('ping', 'ping', [CompletionResultType]::ParameterValue, 'Ping a DHT node and print its id')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print the values stored at KEY (a string, hashed as OpenDHT does, or 40 hex digits)')
            [CompletionResult]::new('put', 'put', [CompletionResultType]::ParameterValue, 'Store TEXT at KEY')
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Print values at KEY as they appear and expire, until Ctrl-C')
            [CompletionResult]::new('node', 'node', [CompletionResultType]::ParameterValue, 'Run a DHT node until Ctrl-C (prints its address and id)')
            break
        }
        'ferry;help;dht;ping' {
            break
        }
        'ferry;help;dht;get' {
            break
        }
        'ferry;help;dht;put' {
            break
        }
        'ferry;help;dht;listen' {
            break
        }
        'ferry;help;dht;node' {
            break
        }
        'ferry;help;generate' {
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'The man page of `ferry`, or of one subcommand (`send`, `dht-get`, ...), in roff')
            [CompletionResult]::new('man-pages', 'man-pages', [CompletionResultType]::ParameterValue, 'The names of every man page, one a line (`ferry`, `ferry-send`, ...)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Completions for a shell')
            break
        }
        'ferry;help;generate;man' {
            break
        }
        'ferry;help;generate;man-pages' {
            break
        }
        'ferry;help;generate;completions' {
            break
        }
        'ferry;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
