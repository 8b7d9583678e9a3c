# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_ferry_global_optspecs
    string join \n home= config= json q/quiet v/verbose no-progress bootstrap= dht-proxy= no-discovery candidate-ip= turn= turn-user= turn-password= turn-password-file= turn-realm= turn-ca= no-turn relay-only no-upnp dht-port= h/help V/version
end

function __fish_ferry_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_ferry_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_ferry_using_subcommand
    set -l cmd (__fish_ferry_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c ferry -n "__fish_ferry_needs_command" -l home -d 'Directory holding this device\'s keys and state' -r -F
complete -c ferry -n "__fish_ferry_needs_command" -l config -d 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from' -r -F
complete -c ferry -n "__fish_ferry_needs_command" -l bootstrap -d 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)' -r
complete -c ferry -n "__fish_ferry_needs_command" -l dht-proxy -d 'Reach the DHT through OpenDHT\'s REST proxy (Jami\'s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami\'s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only' -r
complete -c ferry -n "__fish_ferry_needs_command" -l candidate-ip -d 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)' -r
complete -c ferry -n "__fish_ferry_needs_command" -l turn -d 'TURN server for the relay fallback (default: Jami\'s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS' -r
complete -c ferry -n "__fish_ferry_needs_command" -l turn-user -d 'TURN user name' -r
complete -c ferry -n "__fish_ferry_needs_command" -l turn-password -d 'TURN password (visible to other users in the process list: prefer --turn-password-file)' -r
complete -c ferry -n "__fish_ferry_needs_command" -l turn-password-file -d 'File whose first line is the TURN password (should be readable by its owner only)' -r -F
complete -c ferry -n "__fish_ferry_needs_command" -l turn-realm -d 'TURN realm' -r
complete -c ferry -n "__fish_ferry_needs_command" -l turn-ca -d 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots' -r -F
complete -c ferry -n "__fish_ferry_needs_command" -l dht-port -d 'UDP port of this device\'s DHT node (default: any free port)' -r
complete -c ferry -n "__fish_ferry_needs_command" -l json -d 'Print one JSON event per line on stdout instead of text'
complete -c ferry -n "__fish_ferry_needs_command" -s q -l quiet -d 'Print only errors'
complete -c ferry -n "__fish_ferry_needs_command" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c ferry -n "__fish_ferry_needs_command" -l no-progress -d 'No progress bars, even on a terminal'
complete -c ferry -n "__fish_ferry_needs_command" -l no-discovery -d 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
complete -c ferry -n "__fish_ferry_needs_command" -l no-turn -d 'Never use a TURN relay'
complete -c ferry -n "__fish_ferry_needs_command" -l relay-only -d 'Offer only the TURN-relayed address as a candidate (no direct path)'
complete -c ferry -n "__fish_ferry_needs_command" -l no-upnp -d 'Do not ask the LAN\'s UPnP gateway for a port mapping'
complete -c ferry -n "__fish_ferry_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ferry -n "__fish_ferry_needs_command" -s V -l version -d 'Print version'
complete -c ferry -n "__fish_ferry_needs_command" -f -a "id" -d 'Show this device\'s account id, device id and name (created on first use)'
complete -c ferry -n "__fish_ferry_needs_command" -f -a "send" -d 'Send files to a device (--to), or to whoever types the one-time code shown'
complete -c ferry -n "__fish_ferry_needs_command" -f -a "receive" -d 'Stay online and receive files, or receive one transfer with a code from `ferry send`'
complete -c ferry -n "__fish_ferry_needs_command" -f -a "accept" -d 'List the offers waiting in the running `ferry receive`, or accept or refuse one'
complete -c ferry -n "__fish_ferry_needs_command" -f -a "rerequest" -d 'Ask the conversation\'s other members to send a recorded transfer again; kept only if its SHA3-256 matches the recorded one'
complete -c ferry -n "__fish_ferry_needs_command" -f -a "doctor" -d 'Show the settings and where each comes from; check the DHT, candidates, UPnP and the TURN server'
complete -c ferry -n "__fish_ferry_needs_command" -f -a "history" -d 'The transfers this device sent and received'
complete -c ferry -n "__fish_ferry_needs_command" -f -a "contacts" -d 'Short names for ids: `add ALIAS ID`, `list`, `remove ALIAS`'
complete -c ferry -n "__fish_ferry_needs_command" -f -a "account" -d 'Link another device to this account: export the account, import it there'
complete -c ferry -n "__fish_ferry_needs_command" -f -a "dht" -d 'Talk to the DHT directly, for diagnosis (as `dhtnode` does)'
complete -c ferry -n "__fish_ferry_needs_command" -f -a "generate" -d 'Print the man page or shell completions'
complete -c ferry -n "__fish_ferry_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ferry -n "__fish_ferry_using_subcommand id" -l home -d 'Directory holding this device\'s keys and state' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand id" -l config -d 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand id" -l bootstrap -d 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)' -r
complete -c ferry -n "__fish_ferry_using_subcommand id" -l dht-proxy -d 'Reach the DHT through OpenDHT\'s REST proxy (Jami\'s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami\'s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only' -r
complete -c ferry -n "__fish_ferry_using_subcommand id" -l candidate-ip -d 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)' -r
complete -c ferry -n "__fish_ferry_using_subcommand id" -l turn -d 'TURN server for the relay fallback (default: Jami\'s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS' -r
complete -c ferry -n "__fish_ferry_using_subcommand id" -l turn-user -d 'TURN user name' -r
complete -c ferry -n "__fish_ferry_using_subcommand id" -l turn-password -d 'TURN password (visible to other users in the process list: prefer --turn-password-file)' -r
complete -c ferry -n "__fish_ferry_using_subcommand id" -l turn-password-file -d 'File whose first line is the TURN password (should be readable by its owner only)' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand id" -l turn-realm -d 'TURN realm' -r
complete -c ferry -n "__fish_ferry_using_subcommand id" -l turn-ca -d 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand id" -l dht-port -d 'UDP port of this device\'s DHT node (default: any free port)' -r
complete -c ferry -n "__fish_ferry_using_subcommand id" -l json -d 'Print one JSON event per line on stdout instead of text'
complete -c ferry -n "__fish_ferry_using_subcommand id" -s q -l quiet -d 'Print only errors'
complete -c ferry -n "__fish_ferry_using_subcommand id" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c ferry -n "__fish_ferry_using_subcommand id" -l no-progress -d 'No progress bars, even on a terminal'
complete -c ferry -n "__fish_ferry_using_subcommand id" -l no-discovery -d 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
complete -c ferry -n "__fish_ferry_using_subcommand id" -l no-turn -d 'Never use a TURN relay'
complete -c ferry -n "__fish_ferry_using_subcommand id" -l relay-only -d 'Offer only the TURN-relayed address as a candidate (no direct path)'
complete -c ferry -n "__fish_ferry_using_subcommand id" -l no-upnp -d 'Do not ask the LAN\'s UPnP gateway for a port mapping'
complete -c ferry -n "__fish_ferry_using_subcommand id" -s h -l help -d 'Print help'
complete -c ferry -n "__fish_ferry_using_subcommand send" -l text -d 'Send this short text instead of a file (a token, a URL; at most 64 KiB of UTF-8): the receiver prints it on standard output, verified, and keeps no file' -r
complete -c ferry -n "__fish_ferry_using_subcommand send" -l to -d 'The receiving device id, account id (every device of it), or contact alias. Without it, ferry shows a one-time code (like 7-guitar-orbit-lunch) to type on the other device as `ferry receive CODE`' -r
complete -c ferry -n "__fish_ferry_using_subcommand send" -l code -d 'Without --to: use this code (a number from 1 to 999 and three BIP39 English words) instead of a random one' -r
complete -c ferry -n "__fish_ferry_using_subcommand send" -l code-timeout -d 'Without --to: how long the code stays valid, in seconds; it works once' -r
complete -c ferry -n "__fish_ferry_using_subcommand send" -l peer-addr -d 'Connect directly to the receiver at this address, without the DHT' -r
complete -c ferry -n "__fish_ferry_using_subcommand send" -l name -d 'Offer under this name instead of the file\'s (or the directory\'s) own' -r
complete -c ferry -n "__fish_ferry_using_subcommand send" -l limit-rate -d 'Limit the sending rate, in bytes per second (suffixes K, M, G)' -r
complete -c ferry -n "__fish_ferry_using_subcommand send" -l home -d 'Directory holding this device\'s keys and state' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand send" -l config -d 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand send" -l bootstrap -d 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)' -r
complete -c ferry -n "__fish_ferry_using_subcommand send" -l dht-proxy -d 'Reach the DHT through OpenDHT\'s REST proxy (Jami\'s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami\'s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only' -r
complete -c ferry -n "__fish_ferry_using_subcommand send" -l candidate-ip -d 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)' -r
complete -c ferry -n "__fish_ferry_using_subcommand send" -l turn -d 'TURN server for the relay fallback (default: Jami\'s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS' -r
complete -c ferry -n "__fish_ferry_using_subcommand send" -l turn-user -d 'TURN user name' -r
complete -c ferry -n "__fish_ferry_using_subcommand send" -l turn-password -d 'TURN password (visible to other users in the process list: prefer --turn-password-file)' -r
complete -c ferry -n "__fish_ferry_using_subcommand send" -l turn-password-file -d 'File whose first line is the TURN password (should be readable by its owner only)' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand send" -l turn-realm -d 'TURN realm' -r
complete -c ferry -n "__fish_ferry_using_subcommand send" -l turn-ca -d 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand send" -l dht-port -d 'UDP port of this device\'s DHT node (default: any free port)' -r
complete -c ferry -n "__fish_ferry_using_subcommand send" -l json -d 'Print one JSON event per line on stdout instead of text'
complete -c ferry -n "__fish_ferry_using_subcommand send" -s q -l quiet -d 'Print only errors'
complete -c ferry -n "__fish_ferry_using_subcommand send" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c ferry -n "__fish_ferry_using_subcommand send" -l no-progress -d 'No progress bars, even on a terminal'
complete -c ferry -n "__fish_ferry_using_subcommand send" -l no-discovery -d 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
complete -c ferry -n "__fish_ferry_using_subcommand send" -l no-turn -d 'Never use a TURN relay'
complete -c ferry -n "__fish_ferry_using_subcommand send" -l relay-only -d 'Offer only the TURN-relayed address as a candidate (no direct path)'
complete -c ferry -n "__fish_ferry_using_subcommand send" -l no-upnp -d 'Do not ask the LAN\'s UPnP gateway for a port mapping'
complete -c ferry -n "__fish_ferry_using_subcommand send" -s h -l help -d 'Print help'
complete -c ferry -n "__fish_ferry_using_subcommand receive" -l save-as -d 'With CODE: keep the sender\'s account as a contact under this alias' -r
complete -c ferry -n "__fish_ferry_using_subcommand receive" -l listen -d 'Accept direct connections on this address instead of requests through the DHT' -r
complete -c ferry -n "__fish_ferry_using_subcommand receive" -l dir -d 'Where received files are saved (default: the configuration file\'s `dir`, else the download directory)' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand receive" -l accept -d 'Which offers to accept (default: the configuration file\'s `accept`, else ask)' -r -f -a "ask\t'Ask on the terminal; with no terminal, wait for `ferry accept`'
all\t'Accept every offer'"
complete -c ferry -n "__fish_ferry_using_subcommand receive" -l from -d 'Accept offers only from this device id, account id or contact (repeatable); others are refused before any work is done for them (in the TLS handshake, or when their offer is opened)' -r
complete -c ferry -n "__fish_ferry_using_subcommand receive" -l max-concurrent -d 'Transfers at once; offers beyond are refused as busy (never queued)' -r
complete -c ferry -n "__fish_ferry_using_subcommand receive" -l accept-timeout -d 'Without --yes and without a terminal, how long an offer waits for `ferry accept`' -r
complete -c ferry -n "__fish_ferry_using_subcommand receive" -l home -d 'Directory holding this device\'s keys and state' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand receive" -l config -d 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand receive" -l bootstrap -d 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)' -r
complete -c ferry -n "__fish_ferry_using_subcommand receive" -l dht-proxy -d 'Reach the DHT through OpenDHT\'s REST proxy (Jami\'s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami\'s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only' -r
complete -c ferry -n "__fish_ferry_using_subcommand receive" -l candidate-ip -d 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)' -r
complete -c ferry -n "__fish_ferry_using_subcommand receive" -l turn -d 'TURN server for the relay fallback (default: Jami\'s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS' -r
complete -c ferry -n "__fish_ferry_using_subcommand receive" -l turn-user -d 'TURN user name' -r
complete -c ferry -n "__fish_ferry_using_subcommand receive" -l turn-password -d 'TURN password (visible to other users in the process list: prefer --turn-password-file)' -r
complete -c ferry -n "__fish_ferry_using_subcommand receive" -l turn-password-file -d 'File whose first line is the TURN password (should be readable by its owner only)' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand receive" -l turn-realm -d 'TURN realm' -r
complete -c ferry -n "__fish_ferry_using_subcommand receive" -l turn-ca -d 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand receive" -l dht-port -d 'UDP port of this device\'s DHT node (default: any free port)' -r
complete -c ferry -n "__fish_ferry_using_subcommand receive" -l yes -d 'Accept every offer (from the senders allowed by --from): `--accept all`'
complete -c ferry -n "__fish_ferry_using_subcommand receive" -l once -d 'Exit after one transfer, with its outcome as exit status. Senders refused by --from or as busy, strangers and failed connections leave it waiting'
complete -c ferry -n "__fish_ferry_using_subcommand receive" -l stdout -d 'Write the accepted file to standard output (with --once or a CODE); messages and `--json` events go to standard error'
complete -c ferry -n "__fish_ferry_using_subcommand receive" -l json -d 'Print one JSON event per line on stdout instead of text'
complete -c ferry -n "__fish_ferry_using_subcommand receive" -s q -l quiet -d 'Print only errors'
complete -c ferry -n "__fish_ferry_using_subcommand receive" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c ferry -n "__fish_ferry_using_subcommand receive" -l no-progress -d 'No progress bars, even on a terminal'
complete -c ferry -n "__fish_ferry_using_subcommand receive" -l no-discovery -d 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
complete -c ferry -n "__fish_ferry_using_subcommand receive" -l no-turn -d 'Never use a TURN relay'
complete -c ferry -n "__fish_ferry_using_subcommand receive" -l relay-only -d 'Offer only the TURN-relayed address as a candidate (no direct path)'
complete -c ferry -n "__fish_ferry_using_subcommand receive" -l no-upnp -d 'Do not ask the LAN\'s UPnP gateway for a port mapping'
complete -c ferry -n "__fish_ferry_using_subcommand receive" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ferry -n "__fish_ferry_using_subcommand accept" -l as -d 'Save under this name' -r
complete -c ferry -n "__fish_ferry_using_subcommand accept" -l home -d 'Directory holding this device\'s keys and state' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand accept" -l config -d 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand accept" -l bootstrap -d 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)' -r
complete -c ferry -n "__fish_ferry_using_subcommand accept" -l dht-proxy -d 'Reach the DHT through OpenDHT\'s REST proxy (Jami\'s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami\'s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only' -r
complete -c ferry -n "__fish_ferry_using_subcommand accept" -l candidate-ip -d 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)' -r
complete -c ferry -n "__fish_ferry_using_subcommand accept" -l turn -d 'TURN server for the relay fallback (default: Jami\'s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS' -r
complete -c ferry -n "__fish_ferry_using_subcommand accept" -l turn-user -d 'TURN user name' -r
complete -c ferry -n "__fish_ferry_using_subcommand accept" -l turn-password -d 'TURN password (visible to other users in the process list: prefer --turn-password-file)' -r
complete -c ferry -n "__fish_ferry_using_subcommand accept" -l turn-password-file -d 'File whose first line is the TURN password (should be readable by its owner only)' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand accept" -l turn-realm -d 'TURN realm' -r
complete -c ferry -n "__fish_ferry_using_subcommand accept" -l turn-ca -d 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand accept" -l dht-port -d 'UDP port of this device\'s DHT node (default: any free port)' -r
complete -c ferry -n "__fish_ferry_using_subcommand accept" -l reject -d 'Refuse the offer instead'
complete -c ferry -n "__fish_ferry_using_subcommand accept" -l json -d 'Print one JSON event per line on stdout instead of text'
complete -c ferry -n "__fish_ferry_using_subcommand accept" -s q -l quiet -d 'Print only errors'
complete -c ferry -n "__fish_ferry_using_subcommand accept" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c ferry -n "__fish_ferry_using_subcommand accept" -l no-progress -d 'No progress bars, even on a terminal'
complete -c ferry -n "__fish_ferry_using_subcommand accept" -l no-discovery -d 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
complete -c ferry -n "__fish_ferry_using_subcommand accept" -l no-turn -d 'Never use a TURN relay'
complete -c ferry -n "__fish_ferry_using_subcommand accept" -l relay-only -d 'Offer only the TURN-relayed address as a candidate (no direct path)'
complete -c ferry -n "__fish_ferry_using_subcommand accept" -l no-upnp -d 'Do not ask the LAN\'s UPnP gateway for a port mapping'
complete -c ferry -n "__fish_ferry_using_subcommand accept" -s h -l help -d 'Print help'
complete -c ferry -n "__fish_ferry_using_subcommand rerequest" -l dir -d 'Where to save the file (default: where it was kept before, or the download directory)' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand rerequest" -l timeout -d 'How long to wait for a member device to send the file' -r
complete -c ferry -n "__fish_ferry_using_subcommand rerequest" -l home -d 'Directory holding this device\'s keys and state' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand rerequest" -l config -d 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand rerequest" -l bootstrap -d 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)' -r
complete -c ferry -n "__fish_ferry_using_subcommand rerequest" -l dht-proxy -d 'Reach the DHT through OpenDHT\'s REST proxy (Jami\'s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami\'s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only' -r
complete -c ferry -n "__fish_ferry_using_subcommand rerequest" -l candidate-ip -d 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)' -r
complete -c ferry -n "__fish_ferry_using_subcommand rerequest" -l turn -d 'TURN server for the relay fallback (default: Jami\'s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS' -r
complete -c ferry -n "__fish_ferry_using_subcommand rerequest" -l turn-user -d 'TURN user name' -r
complete -c ferry -n "__fish_ferry_using_subcommand rerequest" -l turn-password -d 'TURN password (visible to other users in the process list: prefer --turn-password-file)' -r
complete -c ferry -n "__fish_ferry_using_subcommand rerequest" -l turn-password-file -d 'File whose first line is the TURN password (should be readable by its owner only)' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand rerequest" -l turn-realm -d 'TURN realm' -r
complete -c ferry -n "__fish_ferry_using_subcommand rerequest" -l turn-ca -d 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand rerequest" -l dht-port -d 'UDP port of this device\'s DHT node (default: any free port)' -r
complete -c ferry -n "__fish_ferry_using_subcommand rerequest" -l json -d 'Print one JSON event per line on stdout instead of text'
complete -c ferry -n "__fish_ferry_using_subcommand rerequest" -s q -l quiet -d 'Print only errors'
complete -c ferry -n "__fish_ferry_using_subcommand rerequest" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c ferry -n "__fish_ferry_using_subcommand rerequest" -l no-progress -d 'No progress bars, even on a terminal'
complete -c ferry -n "__fish_ferry_using_subcommand rerequest" -l no-discovery -d 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
complete -c ferry -n "__fish_ferry_using_subcommand rerequest" -l no-turn -d 'Never use a TURN relay'
complete -c ferry -n "__fish_ferry_using_subcommand rerequest" -l relay-only -d 'Offer only the TURN-relayed address as a candidate (no direct path)'
complete -c ferry -n "__fish_ferry_using_subcommand rerequest" -l no-upnp -d 'Do not ask the LAN\'s UPnP gateway for a port mapping'
complete -c ferry -n "__fish_ferry_using_subcommand rerequest" -s h -l help -d 'Print help'
complete -c ferry -n "__fish_ferry_using_subcommand doctor" -l home -d 'Directory holding this device\'s keys and state' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand doctor" -l config -d 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand doctor" -l bootstrap -d 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)' -r
complete -c ferry -n "__fish_ferry_using_subcommand doctor" -l dht-proxy -d 'Reach the DHT through OpenDHT\'s REST proxy (Jami\'s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami\'s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only' -r
complete -c ferry -n "__fish_ferry_using_subcommand doctor" -l candidate-ip -d 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)' -r
complete -c ferry -n "__fish_ferry_using_subcommand doctor" -l turn -d 'TURN server for the relay fallback (default: Jami\'s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS' -r
complete -c ferry -n "__fish_ferry_using_subcommand doctor" -l turn-user -d 'TURN user name' -r
complete -c ferry -n "__fish_ferry_using_subcommand doctor" -l turn-password -d 'TURN password (visible to other users in the process list: prefer --turn-password-file)' -r
complete -c ferry -n "__fish_ferry_using_subcommand doctor" -l turn-password-file -d 'File whose first line is the TURN password (should be readable by its owner only)' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand doctor" -l turn-realm -d 'TURN realm' -r
complete -c ferry -n "__fish_ferry_using_subcommand doctor" -l turn-ca -d 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand doctor" -l dht-port -d 'UDP port of this device\'s DHT node (default: any free port)' -r
complete -c ferry -n "__fish_ferry_using_subcommand doctor" -l config-only -d 'Only show the settings and their sources; no network checks'
complete -c ferry -n "__fish_ferry_using_subcommand doctor" -l json -d 'Print one JSON event per line on stdout instead of text'
complete -c ferry -n "__fish_ferry_using_subcommand doctor" -s q -l quiet -d 'Print only errors'
complete -c ferry -n "__fish_ferry_using_subcommand doctor" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c ferry -n "__fish_ferry_using_subcommand doctor" -l no-progress -d 'No progress bars, even on a terminal'
complete -c ferry -n "__fish_ferry_using_subcommand doctor" -l no-discovery -d 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
complete -c ferry -n "__fish_ferry_using_subcommand doctor" -l no-turn -d 'Never use a TURN relay'
complete -c ferry -n "__fish_ferry_using_subcommand doctor" -l relay-only -d 'Offer only the TURN-relayed address as a candidate (no direct path)'
complete -c ferry -n "__fish_ferry_using_subcommand doctor" -l no-upnp -d 'Do not ask the LAN\'s UPnP gateway for a port mapping'
complete -c ferry -n "__fish_ferry_using_subcommand doctor" -s h -l help -d 'Print help'
complete -c ferry -n "__fish_ferry_using_subcommand history" -l home -d 'Directory holding this device\'s keys and state' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand history" -l config -d 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand history" -l bootstrap -d 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)' -r
complete -c ferry -n "__fish_ferry_using_subcommand history" -l dht-proxy -d 'Reach the DHT through OpenDHT\'s REST proxy (Jami\'s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami\'s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only' -r
complete -c ferry -n "__fish_ferry_using_subcommand history" -l candidate-ip -d 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)' -r
complete -c ferry -n "__fish_ferry_using_subcommand history" -l turn -d 'TURN server for the relay fallback (default: Jami\'s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS' -r
complete -c ferry -n "__fish_ferry_using_subcommand history" -l turn-user -d 'TURN user name' -r
complete -c ferry -n "__fish_ferry_using_subcommand history" -l turn-password -d 'TURN password (visible to other users in the process list: prefer --turn-password-file)' -r
complete -c ferry -n "__fish_ferry_using_subcommand history" -l turn-password-file -d 'File whose first line is the TURN password (should be readable by its owner only)' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand history" -l turn-realm -d 'TURN realm' -r
complete -c ferry -n "__fish_ferry_using_subcommand history" -l turn-ca -d 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand history" -l dht-port -d 'UDP port of this device\'s DHT node (default: any free port)' -r
complete -c ferry -n "__fish_ferry_using_subcommand history" -l json -d 'Print one JSON event per line on stdout instead of text'
complete -c ferry -n "__fish_ferry_using_subcommand history" -s q -l quiet -d 'Print only errors'
complete -c ferry -n "__fish_ferry_using_subcommand history" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c ferry -n "__fish_ferry_using_subcommand history" -l no-progress -d 'No progress bars, even on a terminal'
complete -c ferry -n "__fish_ferry_using_subcommand history" -l no-discovery -d 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
complete -c ferry -n "__fish_ferry_using_subcommand history" -l no-turn -d 'Never use a TURN relay'
complete -c ferry -n "__fish_ferry_using_subcommand history" -l relay-only -d 'Offer only the TURN-relayed address as a candidate (no direct path)'
complete -c ferry -n "__fish_ferry_using_subcommand history" -l no-upnp -d 'Do not ask the LAN\'s UPnP gateway for a port mapping'
complete -c ferry -n "__fish_ferry_using_subcommand history" -s h -l help -d 'Print help'
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and not __fish_seen_subcommand_from add list remove help" -l home -d 'Directory holding this device\'s keys and state' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and not __fish_seen_subcommand_from add list remove help" -l config -d 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and not __fish_seen_subcommand_from add list remove help" -l bootstrap -d 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)' -r
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and not __fish_seen_subcommand_from add list remove help" -l dht-proxy -d 'Reach the DHT through OpenDHT\'s REST proxy (Jami\'s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami\'s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only' -r
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and not __fish_seen_subcommand_from add list remove help" -l candidate-ip -d 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)' -r
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and not __fish_seen_subcommand_from add list remove help" -l turn -d 'TURN server for the relay fallback (default: Jami\'s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS' -r
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and not __fish_seen_subcommand_from add list remove help" -l turn-user -d 'TURN user name' -r
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and not __fish_seen_subcommand_from add list remove help" -l turn-password -d 'TURN password (visible to other users in the process list: prefer --turn-password-file)' -r
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and not __fish_seen_subcommand_from add list remove help" -l turn-password-file -d 'File whose first line is the TURN password (should be readable by its owner only)' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and not __fish_seen_subcommand_from add list remove help" -l turn-realm -d 'TURN realm' -r
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and not __fish_seen_subcommand_from add list remove help" -l turn-ca -d 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and not __fish_seen_subcommand_from add list remove help" -l dht-port -d 'UDP port of this device\'s DHT node (default: any free port)' -r
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and not __fish_seen_subcommand_from add list remove help" -l json -d 'Print one JSON event per line on stdout instead of text'
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and not __fish_seen_subcommand_from add list remove help" -s q -l quiet -d 'Print only errors'
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and not __fish_seen_subcommand_from add list remove help" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and not __fish_seen_subcommand_from add list remove help" -l no-progress -d 'No progress bars, even on a terminal'
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and not __fish_seen_subcommand_from add list remove help" -l no-discovery -d 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and not __fish_seen_subcommand_from add list remove help" -l no-turn -d 'Never use a TURN relay'
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and not __fish_seen_subcommand_from add list remove help" -l relay-only -d 'Offer only the TURN-relayed address as a candidate (no direct path)'
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and not __fish_seen_subcommand_from add list remove help" -l no-upnp -d 'Do not ask the LAN\'s UPnP gateway for a port mapping'
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and not __fish_seen_subcommand_from add list remove help" -s h -l help -d 'Print help'
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and not __fish_seen_subcommand_from add list remove help" -f -a "add" -d 'Name an account or device id'
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and not __fish_seen_subcommand_from add list remove help" -f -a "list" -d 'Show every contact'
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and not __fish_seen_subcommand_from add list remove help" -f -a "remove" -d 'Forget a contact'
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and not __fish_seen_subcommand_from add list remove help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from add" -l home -d 'Directory holding this device\'s keys and state' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from add" -l config -d 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from add" -l bootstrap -d 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)' -r
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from add" -l dht-proxy -d 'Reach the DHT through OpenDHT\'s REST proxy (Jami\'s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami\'s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only' -r
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from add" -l candidate-ip -d 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)' -r
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from add" -l turn -d 'TURN server for the relay fallback (default: Jami\'s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS' -r
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from add" -l turn-user -d 'TURN user name' -r
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from add" -l turn-password -d 'TURN password (visible to other users in the process list: prefer --turn-password-file)' -r
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from add" -l turn-password-file -d 'File whose first line is the TURN password (should be readable by its owner only)' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from add" -l turn-realm -d 'TURN realm' -r
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from add" -l turn-ca -d 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from add" -l dht-port -d 'UDP port of this device\'s DHT node (default: any free port)' -r
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from add" -l json -d 'Print one JSON event per line on stdout instead of text'
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print only errors'
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from add" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from add" -l no-progress -d 'No progress bars, even on a terminal'
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from add" -l no-discovery -d 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from add" -l no-turn -d 'Never use a TURN relay'
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from add" -l relay-only -d 'Offer only the TURN-relayed address as a candidate (no direct path)'
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from add" -l no-upnp -d 'Do not ask the LAN\'s UPnP gateway for a port mapping'
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from list" -l home -d 'Directory holding this device\'s keys and state' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from list" -l config -d 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from list" -l bootstrap -d 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)' -r
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from list" -l dht-proxy -d 'Reach the DHT through OpenDHT\'s REST proxy (Jami\'s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami\'s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only' -r
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from list" -l candidate-ip -d 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)' -r
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from list" -l turn -d 'TURN server for the relay fallback (default: Jami\'s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS' -r
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from list" -l turn-user -d 'TURN user name' -r
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from list" -l turn-password -d 'TURN password (visible to other users in the process list: prefer --turn-password-file)' -r
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from list" -l turn-password-file -d 'File whose first line is the TURN password (should be readable by its owner only)' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from list" -l turn-realm -d 'TURN realm' -r
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from list" -l turn-ca -d 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from list" -l dht-port -d 'UDP port of this device\'s DHT node (default: any free port)' -r
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from list" -l json -d 'Print one JSON event per line on stdout instead of text'
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only errors'
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from list" -l no-progress -d 'No progress bars, even on a terminal'
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from list" -l no-discovery -d 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from list" -l no-turn -d 'Never use a TURN relay'
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from list" -l relay-only -d 'Offer only the TURN-relayed address as a candidate (no direct path)'
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from list" -l no-upnp -d 'Do not ask the LAN\'s UPnP gateway for a port mapping'
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from remove" -l home -d 'Directory holding this device\'s keys and state' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from remove" -l config -d 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from remove" -l bootstrap -d 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)' -r
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from remove" -l dht-proxy -d 'Reach the DHT through OpenDHT\'s REST proxy (Jami\'s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami\'s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only' -r
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from remove" -l candidate-ip -d 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)' -r
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from remove" -l turn -d 'TURN server for the relay fallback (default: Jami\'s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS' -r
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from remove" -l turn-user -d 'TURN user name' -r
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from remove" -l turn-password -d 'TURN password (visible to other users in the process list: prefer --turn-password-file)' -r
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from remove" -l turn-password-file -d 'File whose first line is the TURN password (should be readable by its owner only)' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from remove" -l turn-realm -d 'TURN realm' -r
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from remove" -l turn-ca -d 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from remove" -l dht-port -d 'UDP port of this device\'s DHT node (default: any free port)' -r
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from remove" -l json -d 'Print one JSON event per line on stdout instead of text'
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print only errors'
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from remove" -l no-progress -d 'No progress bars, even on a terminal'
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from remove" -l no-discovery -d 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from remove" -l no-turn -d 'Never use a TURN relay'
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from remove" -l relay-only -d 'Offer only the TURN-relayed address as a candidate (no direct path)'
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from remove" -l no-upnp -d 'Do not ask the LAN\'s UPnP gateway for a port mapping'
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from help" -f -a "add" -d 'Name an account or device id'
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from help" -f -a "list" -d 'Show every contact'
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Forget a contact'
complete -c ferry -n "__fish_ferry_using_subcommand contacts; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ferry -n "__fish_ferry_using_subcommand account; and not __fish_seen_subcommand_from export import help" -l home -d 'Directory holding this device\'s keys and state' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand account; and not __fish_seen_subcommand_from export import help" -l config -d 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand account; and not __fish_seen_subcommand_from export import help" -l bootstrap -d 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)' -r
complete -c ferry -n "__fish_ferry_using_subcommand account; and not __fish_seen_subcommand_from export import help" -l dht-proxy -d 'Reach the DHT through OpenDHT\'s REST proxy (Jami\'s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami\'s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only' -r
complete -c ferry -n "__fish_ferry_using_subcommand account; and not __fish_seen_subcommand_from export import help" -l candidate-ip -d 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)' -r
complete -c ferry -n "__fish_ferry_using_subcommand account; and not __fish_seen_subcommand_from export import help" -l turn -d 'TURN server for the relay fallback (default: Jami\'s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS' -r
complete -c ferry -n "__fish_ferry_using_subcommand account; and not __fish_seen_subcommand_from export import help" -l turn-user -d 'TURN user name' -r
complete -c ferry -n "__fish_ferry_using_subcommand account; and not __fish_seen_subcommand_from export import help" -l turn-password -d 'TURN password (visible to other users in the process list: prefer --turn-password-file)' -r
complete -c ferry -n "__fish_ferry_using_subcommand account; and not __fish_seen_subcommand_from export import help" -l turn-password-file -d 'File whose first line is the TURN password (should be readable by its owner only)' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand account; and not __fish_seen_subcommand_from export import help" -l turn-realm -d 'TURN realm' -r
complete -c ferry -n "__fish_ferry_using_subcommand account; and not __fish_seen_subcommand_from export import help" -l turn-ca -d 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand account; and not __fish_seen_subcommand_from export import help" -l dht-port -d 'UDP port of this device\'s DHT node (default: any free port)' -r
complete -c ferry -n "__fish_ferry_using_subcommand account; and not __fish_seen_subcommand_from export import help" -l json -d 'Print one JSON event per line on stdout instead of text'
complete -c ferry -n "__fish_ferry_using_subcommand account; and not __fish_seen_subcommand_from export import help" -s q -l quiet -d 'Print only errors'
complete -c ferry -n "__fish_ferry_using_subcommand account; and not __fish_seen_subcommand_from export import help" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c ferry -n "__fish_ferry_using_subcommand account; and not __fish_seen_subcommand_from export import help" -l no-progress -d 'No progress bars, even on a terminal'
complete -c ferry -n "__fish_ferry_using_subcommand account; and not __fish_seen_subcommand_from export import help" -l no-discovery -d 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
complete -c ferry -n "__fish_ferry_using_subcommand account; and not __fish_seen_subcommand_from export import help" -l no-turn -d 'Never use a TURN relay'
complete -c ferry -n "__fish_ferry_using_subcommand account; and not __fish_seen_subcommand_from export import help" -l relay-only -d 'Offer only the TURN-relayed address as a candidate (no direct path)'
complete -c ferry -n "__fish_ferry_using_subcommand account; and not __fish_seen_subcommand_from export import help" -l no-upnp -d 'Do not ask the LAN\'s UPnP gateway for a port mapping'
complete -c ferry -n "__fish_ferry_using_subcommand account; and not __fish_seen_subcommand_from export import help" -s h -l help -d 'Print help'
complete -c ferry -n "__fish_ferry_using_subcommand account; and not __fish_seen_subcommand_from export import help" -f -a "export" -d 'Write the account, sealed with a passphrase, for `ferry account import`'
complete -c ferry -n "__fish_ferry_using_subcommand account; and not __fish_seen_subcommand_from export import help" -f -a "import" -d 'Make this machine a new device of the account in FILE (with its own key)'
complete -c ferry -n "__fish_ferry_using_subcommand account; and not __fish_seen_subcommand_from export import help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from export" -l out -d 'The archive to write (mode 0600; never overwritten)' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from export" -l passphrase-file -d 'Read the passphrase from this file (first line) instead of a terminal prompt' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from export" -l passphrase-env -d 'The passphrase, for scripts' -r
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from export" -l home -d 'Directory holding this device\'s keys and state' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from export" -l config -d 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from export" -l bootstrap -d 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)' -r
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from export" -l dht-proxy -d 'Reach the DHT through OpenDHT\'s REST proxy (Jami\'s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami\'s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only' -r
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from export" -l candidate-ip -d 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)' -r
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from export" -l turn -d 'TURN server for the relay fallback (default: Jami\'s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS' -r
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from export" -l turn-user -d 'TURN user name' -r
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from export" -l turn-password -d 'TURN password (visible to other users in the process list: prefer --turn-password-file)' -r
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from export" -l turn-password-file -d 'File whose first line is the TURN password (should be readable by its owner only)' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from export" -l turn-realm -d 'TURN realm' -r
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from export" -l turn-ca -d 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from export" -l dht-port -d 'UDP port of this device\'s DHT node (default: any free port)' -r
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from export" -l json -d 'Print one JSON event per line on stdout instead of text'
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from export" -s q -l quiet -d 'Print only errors'
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from export" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from export" -l no-progress -d 'No progress bars, even on a terminal'
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from export" -l no-discovery -d 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from export" -l no-turn -d 'Never use a TURN relay'
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from export" -l relay-only -d 'Offer only the TURN-relayed address as a candidate (no direct path)'
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from export" -l no-upnp -d 'Do not ask the LAN\'s UPnP gateway for a port mapping'
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help'
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from import" -l passphrase-file -d 'Read the passphrase from this file (first line) instead of a terminal prompt' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from import" -l passphrase-env -d 'The passphrase, for scripts' -r
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from import" -l home -d 'Directory holding this device\'s keys and state' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from import" -l config -d 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from import" -l bootstrap -d 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)' -r
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from import" -l dht-proxy -d 'Reach the DHT through OpenDHT\'s REST proxy (Jami\'s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami\'s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only' -r
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from import" -l candidate-ip -d 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)' -r
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from import" -l turn -d 'TURN server for the relay fallback (default: Jami\'s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS' -r
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from import" -l turn-user -d 'TURN user name' -r
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from import" -l turn-password -d 'TURN password (visible to other users in the process list: prefer --turn-password-file)' -r
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from import" -l turn-password-file -d 'File whose first line is the TURN password (should be readable by its owner only)' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from import" -l turn-realm -d 'TURN realm' -r
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from import" -l turn-ca -d 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from import" -l dht-port -d 'UDP port of this device\'s DHT node (default: any free port)' -r
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from import" -l json -d 'Print one JSON event per line on stdout instead of text'
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from import" -s q -l quiet -d 'Print only errors'
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from import" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from import" -l no-progress -d 'No progress bars, even on a terminal'
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from import" -l no-discovery -d 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from import" -l no-turn -d 'Never use a TURN relay'
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from import" -l relay-only -d 'Offer only the TURN-relayed address as a candidate (no direct path)'
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from import" -l no-upnp -d 'Do not ask the LAN\'s UPnP gateway for a port mapping'
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help'
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from help" -f -a "export" -d 'Write the account, sealed with a passphrase, for `ferry account import`'
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from help" -f -a "import" -d 'Make this machine a new device of the account in FILE (with its own key)'
complete -c ferry -n "__fish_ferry_using_subcommand account; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and not __fish_seen_subcommand_from ping get put listen node help" -l home -d 'Directory holding this device\'s keys and state' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand dht; and not __fish_seen_subcommand_from ping get put listen node help" -l config -d 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand dht; and not __fish_seen_subcommand_from ping get put listen node help" -l bootstrap -d 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and not __fish_seen_subcommand_from ping get put listen node help" -l dht-proxy -d 'Reach the DHT through OpenDHT\'s REST proxy (Jami\'s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami\'s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and not __fish_seen_subcommand_from ping get put listen node help" -l candidate-ip -d 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and not __fish_seen_subcommand_from ping get put listen node help" -l turn -d 'TURN server for the relay fallback (default: Jami\'s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and not __fish_seen_subcommand_from ping get put listen node help" -l turn-user -d 'TURN user name' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and not __fish_seen_subcommand_from ping get put listen node help" -l turn-password -d 'TURN password (visible to other users in the process list: prefer --turn-password-file)' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and not __fish_seen_subcommand_from ping get put listen node help" -l turn-password-file -d 'File whose first line is the TURN password (should be readable by its owner only)' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand dht; and not __fish_seen_subcommand_from ping get put listen node help" -l turn-realm -d 'TURN realm' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and not __fish_seen_subcommand_from ping get put listen node help" -l turn-ca -d 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand dht; and not __fish_seen_subcommand_from ping get put listen node help" -l dht-port -d 'UDP port of this device\'s DHT node (default: any free port)' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and not __fish_seen_subcommand_from ping get put listen node help" -l json -d 'Print one JSON event per line on stdout instead of text'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and not __fish_seen_subcommand_from ping get put listen node help" -s q -l quiet -d 'Print only errors'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and not __fish_seen_subcommand_from ping get put listen node help" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and not __fish_seen_subcommand_from ping get put listen node help" -l no-progress -d 'No progress bars, even on a terminal'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and not __fish_seen_subcommand_from ping get put listen node help" -l no-discovery -d 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and not __fish_seen_subcommand_from ping get put listen node help" -l no-turn -d 'Never use a TURN relay'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and not __fish_seen_subcommand_from ping get put listen node help" -l relay-only -d 'Offer only the TURN-relayed address as a candidate (no direct path)'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and not __fish_seen_subcommand_from ping get put listen node help" -l no-upnp -d 'Do not ask the LAN\'s UPnP gateway for a port mapping'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and not __fish_seen_subcommand_from ping get put listen node help" -s h -l help -d 'Print help'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and not __fish_seen_subcommand_from ping get put listen node help" -f -a "ping" -d 'Ping a DHT node and print its id'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and not __fish_seen_subcommand_from ping get put listen node help" -f -a "get" -d 'Print the values stored at KEY (a string, hashed as OpenDHT does, or 40 hex digits)'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and not __fish_seen_subcommand_from ping get put listen node help" -f -a "put" -d 'Store TEXT at KEY'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and not __fish_seen_subcommand_from ping get put listen node help" -f -a "listen" -d 'Print values at KEY as they appear and expire, until Ctrl-C'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and not __fish_seen_subcommand_from ping get put listen node help" -f -a "node" -d 'Run a DHT node until Ctrl-C (prints its address and id)'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and not __fish_seen_subcommand_from ping get put listen node help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from ping" -l home -d 'Directory holding this device\'s keys and state' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from ping" -l config -d 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from ping" -l bootstrap -d 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from ping" -l dht-proxy -d 'Reach the DHT through OpenDHT\'s REST proxy (Jami\'s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami\'s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from ping" -l candidate-ip -d 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from ping" -l turn -d 'TURN server for the relay fallback (default: Jami\'s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from ping" -l turn-user -d 'TURN user name' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from ping" -l turn-password -d 'TURN password (visible to other users in the process list: prefer --turn-password-file)' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from ping" -l turn-password-file -d 'File whose first line is the TURN password (should be readable by its owner only)' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from ping" -l turn-realm -d 'TURN realm' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from ping" -l turn-ca -d 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from ping" -l dht-port -d 'UDP port of this device\'s DHT node (default: any free port)' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from ping" -l json -d 'Print one JSON event per line on stdout instead of text'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from ping" -s q -l quiet -d 'Print only errors'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from ping" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from ping" -l no-progress -d 'No progress bars, even on a terminal'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from ping" -l no-discovery -d 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from ping" -l no-turn -d 'Never use a TURN relay'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from ping" -l relay-only -d 'Offer only the TURN-relayed address as a candidate (no direct path)'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from ping" -l no-upnp -d 'Do not ask the LAN\'s UPnP gateway for a port mapping'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from ping" -s h -l help -d 'Print help'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from get" -l home -d 'Directory holding this device\'s keys and state' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from get" -l config -d 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from get" -l bootstrap -d 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from get" -l dht-proxy -d 'Reach the DHT through OpenDHT\'s REST proxy (Jami\'s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami\'s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from get" -l candidate-ip -d 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from get" -l turn -d 'TURN server for the relay fallback (default: Jami\'s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from get" -l turn-user -d 'TURN user name' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from get" -l turn-password -d 'TURN password (visible to other users in the process list: prefer --turn-password-file)' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from get" -l turn-password-file -d 'File whose first line is the TURN password (should be readable by its owner only)' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from get" -l turn-realm -d 'TURN realm' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from get" -l turn-ca -d 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from get" -l dht-port -d 'UDP port of this device\'s DHT node (default: any free port)' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from get" -l json -d 'Print one JSON event per line on stdout instead of text'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from get" -s q -l quiet -d 'Print only errors'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from get" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from get" -l no-progress -d 'No progress bars, even on a terminal'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from get" -l no-discovery -d 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from get" -l no-turn -d 'Never use a TURN relay'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from get" -l relay-only -d 'Offer only the TURN-relayed address as a candidate (no direct path)'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from get" -l no-upnp -d 'Do not ask the LAN\'s UPnP gateway for a port mapping'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from put" -l home -d 'Directory holding this device\'s keys and state' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from put" -l config -d 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from put" -l bootstrap -d 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from put" -l dht-proxy -d 'Reach the DHT through OpenDHT\'s REST proxy (Jami\'s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami\'s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from put" -l candidate-ip -d 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from put" -l turn -d 'TURN server for the relay fallback (default: Jami\'s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from put" -l turn-user -d 'TURN user name' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from put" -l turn-password -d 'TURN password (visible to other users in the process list: prefer --turn-password-file)' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from put" -l turn-password-file -d 'File whose first line is the TURN password (should be readable by its owner only)' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from put" -l turn-realm -d 'TURN realm' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from put" -l turn-ca -d 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from put" -l dht-port -d 'UDP port of this device\'s DHT node (default: any free port)' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from put" -l keep -d 'Stay online and keep the value alive until Ctrl-C'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from put" -l json -d 'Print one JSON event per line on stdout instead of text'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from put" -s q -l quiet -d 'Print only errors'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from put" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from put" -l no-progress -d 'No progress bars, even on a terminal'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from put" -l no-discovery -d 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from put" -l no-turn -d 'Never use a TURN relay'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from put" -l relay-only -d 'Offer only the TURN-relayed address as a candidate (no direct path)'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from put" -l no-upnp -d 'Do not ask the LAN\'s UPnP gateway for a port mapping'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from put" -s h -l help -d 'Print help'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from listen" -l count -d 'Exit after this many new values' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from listen" -l home -d 'Directory holding this device\'s keys and state' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from listen" -l config -d 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from listen" -l bootstrap -d 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from listen" -l dht-proxy -d 'Reach the DHT through OpenDHT\'s REST proxy (Jami\'s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami\'s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from listen" -l candidate-ip -d 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from listen" -l turn -d 'TURN server for the relay fallback (default: Jami\'s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from listen" -l turn-user -d 'TURN user name' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from listen" -l turn-password -d 'TURN password (visible to other users in the process list: prefer --turn-password-file)' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from listen" -l turn-password-file -d 'File whose first line is the TURN password (should be readable by its owner only)' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from listen" -l turn-realm -d 'TURN realm' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from listen" -l turn-ca -d 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from listen" -l dht-port -d 'UDP port of this device\'s DHT node (default: any free port)' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from listen" -l json -d 'Print one JSON event per line on stdout instead of text'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from listen" -s q -l quiet -d 'Print only errors'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from listen" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from listen" -l no-progress -d 'No progress bars, even on a terminal'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from listen" -l no-discovery -d 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from listen" -l no-turn -d 'Never use a TURN relay'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from listen" -l relay-only -d 'Offer only the TURN-relayed address as a candidate (no direct path)'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from listen" -l no-upnp -d 'Do not ask the LAN\'s UPnP gateway for a port mapping'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from listen" -s h -l help -d 'Print help'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from node" -l home -d 'Directory holding this device\'s keys and state' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from node" -l config -d 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from node" -l bootstrap -d 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from node" -l dht-proxy -d 'Reach the DHT through OpenDHT\'s REST proxy (Jami\'s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami\'s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from node" -l candidate-ip -d 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from node" -l turn -d 'TURN server for the relay fallback (default: Jami\'s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from node" -l turn-user -d 'TURN user name' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from node" -l turn-password -d 'TURN password (visible to other users in the process list: prefer --turn-password-file)' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from node" -l turn-password-file -d 'File whose first line is the TURN password (should be readable by its owner only)' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from node" -l turn-realm -d 'TURN realm' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from node" -l turn-ca -d 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from node" -l dht-port -d 'UDP port of this device\'s DHT node (default: any free port)' -r
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from node" -l json -d 'Print one JSON event per line on stdout instead of text'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from node" -s q -l quiet -d 'Print only errors'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from node" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from node" -l no-progress -d 'No progress bars, even on a terminal'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from node" -l no-discovery -d 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from node" -l no-turn -d 'Never use a TURN relay'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from node" -l relay-only -d 'Offer only the TURN-relayed address as a candidate (no direct path)'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from node" -l no-upnp -d 'Do not ask the LAN\'s UPnP gateway for a port mapping'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from node" -s h -l help -d 'Print help'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from help" -f -a "ping" -d 'Ping a DHT node and print its id'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from help" -f -a "get" -d 'Print the values stored at KEY (a string, hashed as OpenDHT does, or 40 hex digits)'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from help" -f -a "put" -d 'Store TEXT at KEY'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from help" -f -a "listen" -d 'Print values at KEY as they appear and expire, until Ctrl-C'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from help" -f -a "node" -d 'Run a DHT node until Ctrl-C (prints its address and id)'
complete -c ferry -n "__fish_ferry_using_subcommand dht; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and not __fish_seen_subcommand_from man man-pages completions help" -l home -d 'Directory holding this device\'s keys and state' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand generate; and not __fish_seen_subcommand_from man man-pages completions help" -l config -d 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand generate; and not __fish_seen_subcommand_from man man-pages completions help" -l bootstrap -d 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)' -r
complete -c ferry -n "__fish_ferry_using_subcommand generate; and not __fish_seen_subcommand_from man man-pages completions help" -l dht-proxy -d 'Reach the DHT through OpenDHT\'s REST proxy (Jami\'s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami\'s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only' -r
complete -c ferry -n "__fish_ferry_using_subcommand generate; and not __fish_seen_subcommand_from man man-pages completions help" -l candidate-ip -d 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)' -r
complete -c ferry -n "__fish_ferry_using_subcommand generate; and not __fish_seen_subcommand_from man man-pages completions help" -l turn -d 'TURN server for the relay fallback (default: Jami\'s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS' -r
complete -c ferry -n "__fish_ferry_using_subcommand generate; and not __fish_seen_subcommand_from man man-pages completions help" -l turn-user -d 'TURN user name' -r
complete -c ferry -n "__fish_ferry_using_subcommand generate; and not __fish_seen_subcommand_from man man-pages completions help" -l turn-password -d 'TURN password (visible to other users in the process list: prefer --turn-password-file)' -r
complete -c ferry -n "__fish_ferry_using_subcommand generate; and not __fish_seen_subcommand_from man man-pages completions help" -l turn-password-file -d 'File whose first line is the TURN password (should be readable by its owner only)' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand generate; and not __fish_seen_subcommand_from man man-pages completions help" -l turn-realm -d 'TURN realm' -r
complete -c ferry -n "__fish_ferry_using_subcommand generate; and not __fish_seen_subcommand_from man man-pages completions help" -l turn-ca -d 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand generate; and not __fish_seen_subcommand_from man man-pages completions help" -l dht-port -d 'UDP port of this device\'s DHT node (default: any free port)' -r
complete -c ferry -n "__fish_ferry_using_subcommand generate; and not __fish_seen_subcommand_from man man-pages completions help" -l json -d 'Print one JSON event per line on stdout instead of text'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and not __fish_seen_subcommand_from man man-pages completions help" -s q -l quiet -d 'Print only errors'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and not __fish_seen_subcommand_from man man-pages completions help" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and not __fish_seen_subcommand_from man man-pages completions help" -l no-progress -d 'No progress bars, even on a terminal'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and not __fish_seen_subcommand_from man man-pages completions help" -l no-discovery -d 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and not __fish_seen_subcommand_from man man-pages completions help" -l no-turn -d 'Never use a TURN relay'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and not __fish_seen_subcommand_from man man-pages completions help" -l relay-only -d 'Offer only the TURN-relayed address as a candidate (no direct path)'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and not __fish_seen_subcommand_from man man-pages completions help" -l no-upnp -d 'Do not ask the LAN\'s UPnP gateway for a port mapping'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and not __fish_seen_subcommand_from man man-pages completions help" -s h -l help -d 'Print help'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and not __fish_seen_subcommand_from man man-pages completions help" -f -a "man" -d 'The man page of `ferry`, or of one subcommand (`send`, `dht-get`, ...), in roff'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and not __fish_seen_subcommand_from man man-pages completions help" -f -a "man-pages" -d 'The names of every man page, one a line (`ferry`, `ferry-send`, ...)'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and not __fish_seen_subcommand_from man man-pages completions help" -f -a "completions" -d 'Completions for a shell'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and not __fish_seen_subcommand_from man man-pages completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man" -l home -d 'Directory holding this device\'s keys and state' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man" -l config -d 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man" -l bootstrap -d 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)' -r
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man" -l dht-proxy -d 'Reach the DHT through OpenDHT\'s REST proxy (Jami\'s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami\'s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only' -r
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man" -l candidate-ip -d 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)' -r
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man" -l turn -d 'TURN server for the relay fallback (default: Jami\'s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS' -r
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man" -l turn-user -d 'TURN user name' -r
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man" -l turn-password -d 'TURN password (visible to other users in the process list: prefer --turn-password-file)' -r
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man" -l turn-password-file -d 'File whose first line is the TURN password (should be readable by its owner only)' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man" -l turn-realm -d 'TURN realm' -r
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man" -l turn-ca -d 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man" -l dht-port -d 'UDP port of this device\'s DHT node (default: any free port)' -r
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man" -l json -d 'Print one JSON event per line on stdout instead of text'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man" -s q -l quiet -d 'Print only errors'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man" -l no-progress -d 'No progress bars, even on a terminal'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man" -l no-discovery -d 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man" -l no-turn -d 'Never use a TURN relay'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man" -l relay-only -d 'Offer only the TURN-relayed address as a candidate (no direct path)'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man" -l no-upnp -d 'Do not ask the LAN\'s UPnP gateway for a port mapping'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man" -s h -l help -d 'Print help'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man-pages" -l home -d 'Directory holding this device\'s keys and state' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man-pages" -l config -d 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man-pages" -l bootstrap -d 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)' -r
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man-pages" -l dht-proxy -d 'Reach the DHT through OpenDHT\'s REST proxy (Jami\'s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami\'s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only' -r
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man-pages" -l candidate-ip -d 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)' -r
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man-pages" -l turn -d 'TURN server for the relay fallback (default: Jami\'s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS' -r
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man-pages" -l turn-user -d 'TURN user name' -r
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man-pages" -l turn-password -d 'TURN password (visible to other users in the process list: prefer --turn-password-file)' -r
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man-pages" -l turn-password-file -d 'File whose first line is the TURN password (should be readable by its owner only)' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man-pages" -l turn-realm -d 'TURN realm' -r
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man-pages" -l turn-ca -d 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man-pages" -l dht-port -d 'UDP port of this device\'s DHT node (default: any free port)' -r
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man-pages" -l json -d 'Print one JSON event per line on stdout instead of text'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man-pages" -s q -l quiet -d 'Print only errors'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man-pages" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man-pages" -l no-progress -d 'No progress bars, even on a terminal'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man-pages" -l no-discovery -d 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man-pages" -l no-turn -d 'Never use a TURN relay'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man-pages" -l relay-only -d 'Offer only the TURN-relayed address as a candidate (no direct path)'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man-pages" -l no-upnp -d 'Do not ask the LAN\'s UPnP gateway for a port mapping'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man-pages" -s h -l help -d 'Print help'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from completions" -l home -d 'Directory holding this device\'s keys and state' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from completions" -l config -d 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from completions" -l bootstrap -d 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)' -r
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from completions" -l dht-proxy -d 'Reach the DHT through OpenDHT\'s REST proxy (Jami\'s "DHT proxy"), for networks where UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses UDP and switches to Jami\'s proxy (http://dhtproxy.jami.net:80) when no DHT node answered within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only' -r
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from completions" -l candidate-ip -d 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)' -r
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from completions" -l turn -d 'TURN server for the relay fallback (default: Jami\'s, turn:turn.jami.net:3478); `turns:HOST:PORT` reaches it over TLS' -r
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from completions" -l turn-user -d 'TURN user name' -r
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from completions" -l turn-password -d 'TURN password (visible to other users in the process list: prefer --turn-password-file)' -r
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from completions" -l turn-password-file -d 'File whose first line is the TURN password (should be readable by its owner only)' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from completions" -l turn-realm -d 'TURN realm' -r
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from completions" -l turn-ca -d 'PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides the public roots' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from completions" -l dht-port -d 'UDP port of this device\'s DHT node (default: any free port)' -r
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from completions" -l json -d 'Print one JSON event per line on stdout instead of text'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from completions" -s q -l quiet -d 'Print only errors'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from completions" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from completions" -l no-progress -d 'No progress bars, even on a terminal'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from completions" -l no-discovery -d 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from completions" -l no-turn -d 'Never use a TURN relay'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from completions" -l relay-only -d 'Offer only the TURN-relayed address as a candidate (no direct path)'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from completions" -l no-upnp -d 'Do not ask the LAN\'s UPnP gateway for a port mapping'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from completions" -s h -l help -d 'Print help'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "man" -d 'The man page of `ferry`, or of one subcommand (`send`, `dht-get`, ...), in roff'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "man-pages" -d 'The names of every man page, one a line (`ferry`, `ferry-send`, ...)'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "completions" -d 'Completions for a shell'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ferry -n "__fish_ferry_using_subcommand help; and not __fish_seen_subcommand_from id send receive accept rerequest doctor history contacts account dht generate help" -f -a "id" -d 'Show this device\'s account id, device id and name (created on first use)'
complete -c ferry -n "__fish_ferry_using_subcommand help; and not __fish_seen_subcommand_from id send receive accept rerequest doctor history contacts account dht generate help" -f -a "send" -d 'Send files to a device (--to), or to whoever types the one-time code shown'
complete -c ferry -n "__fish_ferry_using_subcommand help; and not __fish_seen_subcommand_from id send receive accept rerequest doctor history contacts account dht generate help" -f -a "receive" -d 'Stay online and receive files, or receive one transfer with a code from `ferry send`'
complete -c ferry -n "__fish_ferry_using_subcommand help; and not __fish_seen_subcommand_from id send receive accept rerequest doctor history contacts account dht generate help" -f -a "accept" -d 'List the offers waiting in the running `ferry receive`, or accept or refuse one'
complete -c ferry -n "__fish_ferry_using_subcommand help; and not __fish_seen_subcommand_from id send receive accept rerequest doctor history contacts account dht generate help" -f -a "rerequest" -d 'Ask the conversation\'s other members to send a recorded transfer again; kept only if its SHA3-256 matches the recorded one'
complete -c ferry -n "__fish_ferry_using_subcommand help; and not __fish_seen_subcommand_from id send receive accept rerequest doctor history contacts account dht generate help" -f -a "doctor" -d 'Show the settings and where each comes from; check the DHT, candidates, UPnP and the TURN server'
complete -c ferry -n "__fish_ferry_using_subcommand help; and not __fish_seen_subcommand_from id send receive accept rerequest doctor history contacts account dht generate help" -f -a "history" -d 'The transfers this device sent and received'
complete -c ferry -n "__fish_ferry_using_subcommand help; and not __fish_seen_subcommand_from id send receive accept rerequest doctor history contacts account dht generate help" -f -a "contacts" -d 'Short names for ids: `add ALIAS ID`, `list`, `remove ALIAS`'
complete -c ferry -n "__fish_ferry_using_subcommand help; and not __fish_seen_subcommand_from id send receive accept rerequest doctor history contacts account dht generate help" -f -a "account" -d 'Link another device to this account: export the account, import it there'
complete -c ferry -n "__fish_ferry_using_subcommand help; and not __fish_seen_subcommand_from id send receive accept rerequest doctor history contacts account dht generate help" -f -a "dht" -d 'Talk to the DHT directly, for diagnosis (as `dhtnode` does)'
complete -c ferry -n "__fish_ferry_using_subcommand help; and not __fish_seen_subcommand_from id send receive accept rerequest doctor history contacts account dht generate help" -f -a "generate" -d 'Print the man page or shell completions'
complete -c ferry -n "__fish_ferry_using_subcommand help; and not __fish_seen_subcommand_from id send receive accept rerequest doctor history contacts account dht generate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ferry -n "__fish_ferry_using_subcommand help; and __fish_seen_subcommand_from contacts" -f -a "add" -d 'Name an account or device id'
complete -c ferry -n "__fish_ferry_using_subcommand help; and __fish_seen_subcommand_from contacts" -f -a "list" -d 'Show every contact'
complete -c ferry -n "__fish_ferry_using_subcommand help; and __fish_seen_subcommand_from contacts" -f -a "remove" -d 'Forget a contact'
complete -c ferry -n "__fish_ferry_using_subcommand help; and __fish_seen_subcommand_from account" -f -a "export" -d 'Write the account, sealed with a passphrase, for `ferry account import`'
complete -c ferry -n "__fish_ferry_using_subcommand help; and __fish_seen_subcommand_from account" -f -a "import" -d 'Make this machine a new device of the account in FILE (with its own key)'
complete -c ferry -n "__fish_ferry_using_subcommand help; and __fish_seen_subcommand_from dht" -f -a "ping" -d 'Ping a DHT node and print its id'
complete -c ferry -n "__fish_ferry_using_subcommand help; and __fish_seen_subcommand_from dht" -f -a "get" -d 'Print the values stored at KEY (a string, hashed as OpenDHT does, or 40 hex digits)'
complete -c ferry -n "__fish_ferry_using_subcommand help; and __fish_seen_subcommand_from dht" -f -a "put" -d 'Store TEXT at KEY'
complete -c ferry -n "__fish_ferry_using_subcommand help; and __fish_seen_subcommand_from dht" -f -a "listen" -d 'Print values at KEY as they appear and expire, until Ctrl-C'
complete -c ferry -n "__fish_ferry_using_subcommand help; and __fish_seen_subcommand_from dht" -f -a "node" -d 'Run a DHT node until Ctrl-C (prints its address and id)'
complete -c ferry -n "__fish_ferry_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "man" -d 'The man page of `ferry`, or of one subcommand (`send`, `dht-get`, ...), in roff'
complete -c ferry -n "__fish_ferry_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "man-pages" -d 'The names of every man page, one a line (`ferry`, `ferry-send`, ...)'
complete -c ferry -n "__fish_ferry_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "completions" -d 'Completions for a shell'
