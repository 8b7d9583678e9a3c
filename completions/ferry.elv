
use builtin;
use str;

set edit:completion:arg-completer[ferry] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'ferry'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'ferry'= {
            cand --home 'Directory holding this device''s keys and state'
            cand --config 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from'
            cand --bootstrap 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)'
            cand --candidate-ip 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)'
            cand --turn 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478)'
            cand --turn-user 'TURN user name'
            cand --turn-password 'TURN password (visible to other users in the process list: prefer --turn-password-file)'
            cand --turn-password-file 'File whose first line is the TURN password (should be readable by its owner only)'
            cand --turn-realm 'TURN realm'
            cand --dht-port 'UDP port of this device''s DHT node (default: any free port)'
            cand --json 'Print one JSON event per line on stdout instead of text'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand --no-progress 'No progress bars, even on a terminal'
            cand --no-discovery 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
            cand --no-turn 'Never use a TURN relay'
            cand --relay-only 'Offer only the TURN-relayed address as a candidate (no direct path)'
            cand --no-upnp 'Do not ask the LAN''s UPnP gateway for a port mapping'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand id 'Show this device''s account id, device id and name (created on first use)'
            cand send 'Send files to a device (--to), or to whoever types the one-time code shown'
            cand receive 'Stay online and receive files, or receive one transfer with a code from `ferry send`'
            cand accept 'List the offers waiting in the running `ferry receive`, or accept or refuse one'
            cand rerequest 'Ask the conversation''s other members to send a recorded transfer again; kept only if its SHA3-256 matches the recorded one'
            cand doctor 'Show the settings and where each comes from; check the DHT, candidates, UPnP and the TURN server'
            cand history 'The transfers this device sent and received'
            cand contacts 'Short names for ids: `add ALIAS ID`, `list`, `remove ALIAS`'
            cand account 'Link another device to this account: export the account, import it there'
            cand dht 'Talk to the DHT directly, for diagnosis (as `dhtnode` does)'
            cand generate 'Print the man page or shell completions'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ferry;id'= {
            cand --home 'Directory holding this device''s keys and state'
            cand --config 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from'
            cand --bootstrap 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)'
            cand --candidate-ip 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)'
            cand --turn 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478)'
            cand --turn-user 'TURN user name'
            cand --turn-password 'TURN password (visible to other users in the process list: prefer --turn-password-file)'
            cand --turn-password-file 'File whose first line is the TURN password (should be readable by its owner only)'
            cand --turn-realm 'TURN realm'
            cand --dht-port 'UDP port of this device''s DHT node (default: any free port)'
            cand --json 'Print one JSON event per line on stdout instead of text'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand --no-progress 'No progress bars, even on a terminal'
            cand --no-discovery 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
            cand --no-turn 'Never use a TURN relay'
            cand --relay-only 'Offer only the TURN-relayed address as a candidate (no direct path)'
            cand --no-upnp 'Do not ask the LAN''s UPnP gateway for a port mapping'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ferry;send'= {
            cand --text 'Send this short text instead of a file (a token, a URL; at most 64 KiB of UTF-8): the receiver prints it on standard output, verified, and keeps no file'
            cand --to 'The receiving device id, account id (every device of it), or contact alias. Without it, ferry shows a one-time code (like 7-guitar-orbit-lunch) to type on the other device as `ferry receive CODE`'
            cand --code 'Without --to: use this code (a number from 1 to 999 and three BIP39 English words) instead of a random one'
            cand --code-timeout 'Without --to: how long the code stays valid, in seconds; it works once'
            cand --peer-addr 'Connect directly to the receiver at this address, without the DHT'
            cand --name 'Offer under this name instead of the file''s (or the directory''s) own'
            cand --limit-rate 'Limit the sending rate, in bytes per second (suffixes K, M, G)'
            cand --home 'Directory holding this device''s keys and state'
            cand --config 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from'
            cand --bootstrap 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)'
            cand --candidate-ip 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)'
            cand --turn 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478)'
            cand --turn-user 'TURN user name'
            cand --turn-password 'TURN password (visible to other users in the process list: prefer --turn-password-file)'
            cand --turn-password-file 'File whose first line is the TURN password (should be readable by its owner only)'
            cand --turn-realm 'TURN realm'
            cand --dht-port 'UDP port of this device''s DHT node (default: any free port)'
            cand --json 'Print one JSON event per line on stdout instead of text'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand --no-progress 'No progress bars, even on a terminal'
            cand --no-discovery 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
            cand --no-turn 'Never use a TURN relay'
            cand --relay-only 'Offer only the TURN-relayed address as a candidate (no direct path)'
            cand --no-upnp 'Do not ask the LAN''s UPnP gateway for a port mapping'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ferry;receive'= {
            cand --save-as 'With CODE: keep the sender''s account as a contact under this alias'
            cand --listen 'Accept direct connections on this address instead of requests through the DHT'
            cand --dir 'Where received files are saved (default: the configuration file''s `dir`, else the download directory)'
            cand --accept 'Which offers to accept (default: the configuration file''s `accept`, else ask)'
            cand --from 'Accept offers only from this device id, account id or contact (repeatable); others are refused before any work is done for them (in the TLS handshake, or when their offer is opened)'
            cand --max-concurrent 'Transfers at once; offers beyond are refused as busy (never queued)'
            cand --accept-timeout 'Without --yes and without a terminal, how long an offer waits for `ferry accept`'
            cand --home 'Directory holding this device''s keys and state'
            cand --config 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from'
            cand --bootstrap 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)'
            cand --candidate-ip 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)'
            cand --turn 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478)'
            cand --turn-user 'TURN user name'
            cand --turn-password 'TURN password (visible to other users in the process list: prefer --turn-password-file)'
            cand --turn-password-file 'File whose first line is the TURN password (should be readable by its owner only)'
            cand --turn-realm 'TURN realm'
            cand --dht-port 'UDP port of this device''s DHT node (default: any free port)'
            cand --yes 'Accept every offer (from the senders allowed by --from): `--accept all`'
            cand --once 'Exit after one transfer, with its outcome as exit status. Senders refused by --from or as busy, strangers and failed connections leave it waiting'
            cand --stdout 'Write the accepted file to standard output (with --once or a CODE); messages and `--json` events go to standard error'
            cand --json 'Print one JSON event per line on stdout instead of text'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand --no-progress 'No progress bars, even on a terminal'
            cand --no-discovery 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
            cand --no-turn 'Never use a TURN relay'
            cand --relay-only 'Offer only the TURN-relayed address as a candidate (no direct path)'
            cand --no-upnp 'Do not ask the LAN''s UPnP gateway for a port mapping'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ferry;accept'= {
            cand --as 'Save under this name'
            cand --home 'Directory holding this device''s keys and state'
            cand --config 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from'
            cand --bootstrap 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)'
            cand --candidate-ip 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)'
            cand --turn 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478)'
            cand --turn-user 'TURN user name'
            cand --turn-password 'TURN password (visible to other users in the process list: prefer --turn-password-file)'
            cand --turn-password-file 'File whose first line is the TURN password (should be readable by its owner only)'
            cand --turn-realm 'TURN realm'
            cand --dht-port 'UDP port of this device''s DHT node (default: any free port)'
            cand --reject 'Refuse the offer instead'
            cand --json 'Print one JSON event per line on stdout instead of text'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand --no-progress 'No progress bars, even on a terminal'
            cand --no-discovery 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
            cand --no-turn 'Never use a TURN relay'
            cand --relay-only 'Offer only the TURN-relayed address as a candidate (no direct path)'
            cand --no-upnp 'Do not ask the LAN''s UPnP gateway for a port mapping'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ferry;rerequest'= {
            cand --dir 'Where to save the file (default: where it was kept before, or the download directory)'
            cand --timeout 'How long to wait for a member device to send the file'
            cand --home 'Directory holding this device''s keys and state'
            cand --config 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from'
            cand --bootstrap 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)'
            cand --candidate-ip 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)'
            cand --turn 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478)'
            cand --turn-user 'TURN user name'
            cand --turn-password 'TURN password (visible to other users in the process list: prefer --turn-password-file)'
            cand --turn-password-file 'File whose first line is the TURN password (should be readable by its owner only)'
            cand --turn-realm 'TURN realm'
            cand --dht-port 'UDP port of this device''s DHT node (default: any free port)'
            cand --json 'Print one JSON event per line on stdout instead of text'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand --no-progress 'No progress bars, even on a terminal'
            cand --no-discovery 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
            cand --no-turn 'Never use a TURN relay'
            cand --relay-only 'Offer only the TURN-relayed address as a candidate (no direct path)'
            cand --no-upnp 'Do not ask the LAN''s UPnP gateway for a port mapping'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ferry;doctor'= {
            cand --home 'Directory holding this device''s keys and state'
            cand --config 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from'
            cand --bootstrap 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)'
            cand --candidate-ip 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)'
            cand --turn 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478)'
            cand --turn-user 'TURN user name'
            cand --turn-password 'TURN password (visible to other users in the process list: prefer --turn-password-file)'
            cand --turn-password-file 'File whose first line is the TURN password (should be readable by its owner only)'
            cand --turn-realm 'TURN realm'
            cand --dht-port 'UDP port of this device''s DHT node (default: any free port)'
            cand --config-only 'Only show the settings and their sources; no network checks'
            cand --json 'Print one JSON event per line on stdout instead of text'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand --no-progress 'No progress bars, even on a terminal'
            cand --no-discovery 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
            cand --no-turn 'Never use a TURN relay'
            cand --relay-only 'Offer only the TURN-relayed address as a candidate (no direct path)'
            cand --no-upnp 'Do not ask the LAN''s UPnP gateway for a port mapping'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ferry;history'= {
            cand --home 'Directory holding this device''s keys and state'
            cand --config 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from'
            cand --bootstrap 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)'
            cand --candidate-ip 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)'
            cand --turn 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478)'
            cand --turn-user 'TURN user name'
            cand --turn-password 'TURN password (visible to other users in the process list: prefer --turn-password-file)'
            cand --turn-password-file 'File whose first line is the TURN password (should be readable by its owner only)'
            cand --turn-realm 'TURN realm'
            cand --dht-port 'UDP port of this device''s DHT node (default: any free port)'
            cand --json 'Print one JSON event per line on stdout instead of text'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand --no-progress 'No progress bars, even on a terminal'
            cand --no-discovery 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
            cand --no-turn 'Never use a TURN relay'
            cand --relay-only 'Offer only the TURN-relayed address as a candidate (no direct path)'
            cand --no-upnp 'Do not ask the LAN''s UPnP gateway for a port mapping'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ferry;contacts'= {
            cand --home 'Directory holding this device''s keys and state'
            cand --config 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from'
            cand --bootstrap 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)'
            cand --candidate-ip 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)'
            cand --turn 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478)'
            cand --turn-user 'TURN user name'
            cand --turn-password 'TURN password (visible to other users in the process list: prefer --turn-password-file)'
            cand --turn-password-file 'File whose first line is the TURN password (should be readable by its owner only)'
            cand --turn-realm 'TURN realm'
            cand --dht-port 'UDP port of this device''s DHT node (default: any free port)'
            cand --json 'Print one JSON event per line on stdout instead of text'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand --no-progress 'No progress bars, even on a terminal'
            cand --no-discovery 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
            cand --no-turn 'Never use a TURN relay'
            cand --relay-only 'Offer only the TURN-relayed address as a candidate (no direct path)'
            cand --no-upnp 'Do not ask the LAN''s UPnP gateway for a port mapping'
            cand -h 'Print help'
            cand --help 'Print help'
            cand add 'Name an account or device id'
            cand list 'Show every contact'
            cand remove 'Forget a contact'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ferry;contacts;add'= {
            cand --home 'Directory holding this device''s keys and state'
            cand --config 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from'
            cand --bootstrap 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)'
            cand --candidate-ip 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)'
            cand --turn 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478)'
            cand --turn-user 'TURN user name'
            cand --turn-password 'TURN password (visible to other users in the process list: prefer --turn-password-file)'
            cand --turn-password-file 'File whose first line is the TURN password (should be readable by its owner only)'
            cand --turn-realm 'TURN realm'
            cand --dht-port 'UDP port of this device''s DHT node (default: any free port)'
            cand --json 'Print one JSON event per line on stdout instead of text'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand --no-progress 'No progress bars, even on a terminal'
            cand --no-discovery 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
            cand --no-turn 'Never use a TURN relay'
            cand --relay-only 'Offer only the TURN-relayed address as a candidate (no direct path)'
            cand --no-upnp 'Do not ask the LAN''s UPnP gateway for a port mapping'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ferry;contacts;list'= {
            cand --home 'Directory holding this device''s keys and state'
            cand --config 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from'
            cand --bootstrap 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)'
            cand --candidate-ip 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)'
            cand --turn 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478)'
            cand --turn-user 'TURN user name'
            cand --turn-password 'TURN password (visible to other users in the process list: prefer --turn-password-file)'
            cand --turn-password-file 'File whose first line is the TURN password (should be readable by its owner only)'
            cand --turn-realm 'TURN realm'
            cand --dht-port 'UDP port of this device''s DHT node (default: any free port)'
            cand --json 'Print one JSON event per line on stdout instead of text'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand --no-progress 'No progress bars, even on a terminal'
            cand --no-discovery 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
            cand --no-turn 'Never use a TURN relay'
            cand --relay-only 'Offer only the TURN-relayed address as a candidate (no direct path)'
            cand --no-upnp 'Do not ask the LAN''s UPnP gateway for a port mapping'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ferry;contacts;remove'= {
            cand --home 'Directory holding this device''s keys and state'
            cand --config 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from'
            cand --bootstrap 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)'
            cand --candidate-ip 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)'
            cand --turn 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478)'
            cand --turn-user 'TURN user name'
            cand --turn-password 'TURN password (visible to other users in the process list: prefer --turn-password-file)'
            cand --turn-password-file 'File whose first line is the TURN password (should be readable by its owner only)'
            cand --turn-realm 'TURN realm'
            cand --dht-port 'UDP port of this device''s DHT node (default: any free port)'
            cand --json 'Print one JSON event per line on stdout instead of text'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand --no-progress 'No progress bars, even on a terminal'
            cand --no-discovery 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
            cand --no-turn 'Never use a TURN relay'
            cand --relay-only 'Offer only the TURN-relayed address as a candidate (no direct path)'
            cand --no-upnp 'Do not ask the LAN''s UPnP gateway for a port mapping'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ferry;contacts;help'= {
            cand add 'Name an account or device id'
            cand list 'Show every contact'
            cand remove 'Forget a contact'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ferry;contacts;help;add'= {
        }
        &'ferry;contacts;help;list'= {
        }
        &'ferry;contacts;help;remove'= {
        }
        &'ferry;contacts;help;help'= {
        }
        &'ferry;account'= {
            cand --home 'Directory holding this device''s keys and state'
            cand --config 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from'
            cand --bootstrap 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)'
            cand --candidate-ip 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)'
            cand --turn 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478)'
            cand --turn-user 'TURN user name'
            cand --turn-password 'TURN password (visible to other users in the process list: prefer --turn-password-file)'
            cand --turn-password-file 'File whose first line is the TURN password (should be readable by its owner only)'
            cand --turn-realm 'TURN realm'
            cand --dht-port 'UDP port of this device''s DHT node (default: any free port)'
            cand --json 'Print one JSON event per line on stdout instead of text'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand --no-progress 'No progress bars, even on a terminal'
            cand --no-discovery 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
            cand --no-turn 'Never use a TURN relay'
            cand --relay-only 'Offer only the TURN-relayed address as a candidate (no direct path)'
            cand --no-upnp 'Do not ask the LAN''s UPnP gateway for a port mapping'
            cand -h 'Print help'
            cand --help 'Print help'
            cand export 'Write the account, sealed with a passphrase, for `ferry account import`'
            cand import 'Make this machine a new device of the account in FILE (with its own key)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ferry;account;export'= {
            cand --out 'The archive to write (mode 0600; never overwritten)'
            cand --passphrase-file 'Read the passphrase from this file (first line) instead of a terminal prompt'
            cand --passphrase-env 'The passphrase, for scripts'
            cand --home 'Directory holding this device''s keys and state'
            cand --config 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from'
            cand --bootstrap 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)'
            cand --candidate-ip 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)'
            cand --turn 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478)'
            cand --turn-user 'TURN user name'
            cand --turn-password 'TURN password (visible to other users in the process list: prefer --turn-password-file)'
            cand --turn-password-file 'File whose first line is the TURN password (should be readable by its owner only)'
            cand --turn-realm 'TURN realm'
            cand --dht-port 'UDP port of this device''s DHT node (default: any free port)'
            cand --json 'Print one JSON event per line on stdout instead of text'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand --no-progress 'No progress bars, even on a terminal'
            cand --no-discovery 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
            cand --no-turn 'Never use a TURN relay'
            cand --relay-only 'Offer only the TURN-relayed address as a candidate (no direct path)'
            cand --no-upnp 'Do not ask the LAN''s UPnP gateway for a port mapping'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ferry;account;import'= {
            cand --passphrase-file 'Read the passphrase from this file (first line) instead of a terminal prompt'
            cand --passphrase-env 'The passphrase, for scripts'
            cand --home 'Directory holding this device''s keys and state'
            cand --config 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from'
            cand --bootstrap 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)'
            cand --candidate-ip 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)'
            cand --turn 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478)'
            cand --turn-user 'TURN user name'
            cand --turn-password 'TURN password (visible to other users in the process list: prefer --turn-password-file)'
            cand --turn-password-file 'File whose first line is the TURN password (should be readable by its owner only)'
            cand --turn-realm 'TURN realm'
            cand --dht-port 'UDP port of this device''s DHT node (default: any free port)'
            cand --json 'Print one JSON event per line on stdout instead of text'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand --no-progress 'No progress bars, even on a terminal'
            cand --no-discovery 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
            cand --no-turn 'Never use a TURN relay'
            cand --relay-only 'Offer only the TURN-relayed address as a candidate (no direct path)'
            cand --no-upnp 'Do not ask the LAN''s UPnP gateway for a port mapping'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ferry;account;help'= {
            cand export 'Write the account, sealed with a passphrase, for `ferry account import`'
            cand import 'Make this machine a new device of the account in FILE (with its own key)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ferry;account;help;export'= {
        }
        &'ferry;account;help;import'= {
        }
        &'ferry;account;help;help'= {
        }
        &'ferry;dht'= {
            cand --home 'Directory holding this device''s keys and state'
            cand --config 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from'
            cand --bootstrap 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)'
            cand --candidate-ip 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)'
            cand --turn 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478)'
            cand --turn-user 'TURN user name'
            cand --turn-password 'TURN password (visible to other users in the process list: prefer --turn-password-file)'
            cand --turn-password-file 'File whose first line is the TURN password (should be readable by its owner only)'
            cand --turn-realm 'TURN realm'
            cand --dht-port 'UDP port of this device''s DHT node (default: any free port)'
            cand --json 'Print one JSON event per line on stdout instead of text'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand --no-progress 'No progress bars, even on a terminal'
            cand --no-discovery 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
            cand --no-turn 'Never use a TURN relay'
            cand --relay-only 'Offer only the TURN-relayed address as a candidate (no direct path)'
            cand --no-upnp 'Do not ask the LAN''s UPnP gateway for a port mapping'
            cand -h 'Print help'
            cand --help 'Print help'
            cand ping 'Ping a DHT node and print its id'
            cand get 'Print the values stored at KEY (a string, hashed as OpenDHT does, or 40 hex digits)'
            cand put 'Store TEXT at KEY'
            cand listen 'Print values at KEY as they appear and expire, until Ctrl-C'
            cand node 'Run a DHT node until Ctrl-C (prints its address and id)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ferry;dht;ping'= {
            cand --home 'Directory holding this device''s keys and state'
            cand --config 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from'
            cand --bootstrap 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)'
            cand --candidate-ip 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)'
            cand --turn 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478)'
            cand --turn-user 'TURN user name'
            cand --turn-password 'TURN password (visible to other users in the process list: prefer --turn-password-file)'
            cand --turn-password-file 'File whose first line is the TURN password (should be readable by its owner only)'
            cand --turn-realm 'TURN realm'
            cand --dht-port 'UDP port of this device''s DHT node (default: any free port)'
            cand --json 'Print one JSON event per line on stdout instead of text'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand --no-progress 'No progress bars, even on a terminal'
            cand --no-discovery 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
            cand --no-turn 'Never use a TURN relay'
            cand --relay-only 'Offer only the TURN-relayed address as a candidate (no direct path)'
            cand --no-upnp 'Do not ask the LAN''s UPnP gateway for a port mapping'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ferry;dht;get'= {
            cand --home 'Directory holding this device''s keys and state'
            cand --config 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from'
            cand --bootstrap 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)'
            cand --candidate-ip 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)'
            cand --turn 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478)'
            cand --turn-user 'TURN user name'
            cand --turn-password 'TURN password (visible to other users in the process list: prefer --turn-password-file)'
            cand --turn-password-file 'File whose first line is the TURN password (should be readable by its owner only)'
            cand --turn-realm 'TURN realm'
            cand --dht-port 'UDP port of this device''s DHT node (default: any free port)'
            cand --json 'Print one JSON event per line on stdout instead of text'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand --no-progress 'No progress bars, even on a terminal'
            cand --no-discovery 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
            cand --no-turn 'Never use a TURN relay'
            cand --relay-only 'Offer only the TURN-relayed address as a candidate (no direct path)'
            cand --no-upnp 'Do not ask the LAN''s UPnP gateway for a port mapping'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ferry;dht;put'= {
            cand --home 'Directory holding this device''s keys and state'
            cand --config 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from'
            cand --bootstrap 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)'
            cand --candidate-ip 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)'
            cand --turn 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478)'
            cand --turn-user 'TURN user name'
            cand --turn-password 'TURN password (visible to other users in the process list: prefer --turn-password-file)'
            cand --turn-password-file 'File whose first line is the TURN password (should be readable by its owner only)'
            cand --turn-realm 'TURN realm'
            cand --dht-port 'UDP port of this device''s DHT node (default: any free port)'
            cand --keep 'Stay online and keep the value alive until Ctrl-C'
            cand --json 'Print one JSON event per line on stdout instead of text'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand --no-progress 'No progress bars, even on a terminal'
            cand --no-discovery 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
            cand --no-turn 'Never use a TURN relay'
            cand --relay-only 'Offer only the TURN-relayed address as a candidate (no direct path)'
            cand --no-upnp 'Do not ask the LAN''s UPnP gateway for a port mapping'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ferry;dht;listen'= {
            cand --count 'Exit after this many new values'
            cand --home 'Directory holding this device''s keys and state'
            cand --config 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from'
            cand --bootstrap 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)'
            cand --candidate-ip 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)'
            cand --turn 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478)'
            cand --turn-user 'TURN user name'
            cand --turn-password 'TURN password (visible to other users in the process list: prefer --turn-password-file)'
            cand --turn-password-file 'File whose first line is the TURN password (should be readable by its owner only)'
            cand --turn-realm 'TURN realm'
            cand --dht-port 'UDP port of this device''s DHT node (default: any free port)'
            cand --json 'Print one JSON event per line on stdout instead of text'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand --no-progress 'No progress bars, even on a terminal'
            cand --no-discovery 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
            cand --no-turn 'Never use a TURN relay'
            cand --relay-only 'Offer only the TURN-relayed address as a candidate (no direct path)'
            cand --no-upnp 'Do not ask the LAN''s UPnP gateway for a port mapping'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ferry;dht;node'= {
            cand --home 'Directory holding this device''s keys and state'
            cand --config 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from'
            cand --bootstrap 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)'
            cand --candidate-ip 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)'
            cand --turn 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478)'
            cand --turn-user 'TURN user name'
            cand --turn-password 'TURN password (visible to other users in the process list: prefer --turn-password-file)'
            cand --turn-password-file 'File whose first line is the TURN password (should be readable by its owner only)'
            cand --turn-realm 'TURN realm'
            cand --dht-port 'UDP port of this device''s DHT node (default: any free port)'
            cand --json 'Print one JSON event per line on stdout instead of text'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand --no-progress 'No progress bars, even on a terminal'
            cand --no-discovery 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
            cand --no-turn 'Never use a TURN relay'
            cand --relay-only 'Offer only the TURN-relayed address as a candidate (no direct path)'
            cand --no-upnp 'Do not ask the LAN''s UPnP gateway for a port mapping'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ferry;dht;help'= {
            cand ping 'Ping a DHT node and print its id'
            cand get 'Print the values stored at KEY (a string, hashed as OpenDHT does, or 40 hex digits)'
            cand put 'Store TEXT at KEY'
            cand listen 'Print values at KEY as they appear and expire, until Ctrl-C'
            cand node 'Run a DHT node until Ctrl-C (prints its address and id)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ferry;dht;help;ping'= {
        }
        &'ferry;dht;help;get'= {
        }
        &'ferry;dht;help;put'= {
        }
        &'ferry;dht;help;listen'= {
        }
        &'ferry;dht;help;node'= {
        }
        &'ferry;dht;help;help'= {
        }
        &'ferry;generate'= {
            cand --home 'Directory holding this device''s keys and state'
            cand --config 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from'
            cand --bootstrap 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)'
            cand --candidate-ip 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)'
            cand --turn 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478)'
            cand --turn-user 'TURN user name'
            cand --turn-password 'TURN password (visible to other users in the process list: prefer --turn-password-file)'
            cand --turn-password-file 'File whose first line is the TURN password (should be readable by its owner only)'
            cand --turn-realm 'TURN realm'
            cand --dht-port 'UDP port of this device''s DHT node (default: any free port)'
            cand --json 'Print one JSON event per line on stdout instead of text'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand --no-progress 'No progress bars, even on a terminal'
            cand --no-discovery 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
            cand --no-turn 'Never use a TURN relay'
            cand --relay-only 'Offer only the TURN-relayed address as a candidate (no direct path)'
            cand --no-upnp 'Do not ask the LAN''s UPnP gateway for a port mapping'
            cand -h 'Print help'
            cand --help 'Print help'
            cand man 'The man page of `ferry`, or of one subcommand (`send`, `dht-get`, ...), in roff'
            cand man-pages 'The names of every man page, one a line (`ferry`, `ferry-send`, ...)'
            cand completions 'Completions for a shell'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ferry;generate;man'= {
            cand --home 'Directory holding this device''s keys and state'
            cand --config 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from'
            cand --bootstrap 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)'
            cand --candidate-ip 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)'
            cand --turn 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478)'
            cand --turn-user 'TURN user name'
            cand --turn-password 'TURN password (visible to other users in the process list: prefer --turn-password-file)'
            cand --turn-password-file 'File whose first line is the TURN password (should be readable by its owner only)'
            cand --turn-realm 'TURN realm'
            cand --dht-port 'UDP port of this device''s DHT node (default: any free port)'
            cand --json 'Print one JSON event per line on stdout instead of text'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand --no-progress 'No progress bars, even on a terminal'
            cand --no-discovery 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
            cand --no-turn 'Never use a TURN relay'
            cand --relay-only 'Offer only the TURN-relayed address as a candidate (no direct path)'
            cand --no-upnp 'Do not ask the LAN''s UPnP gateway for a port mapping'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ferry;generate;man-pages'= {
            cand --home 'Directory holding this device''s keys and state'
            cand --config 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from'
            cand --bootstrap 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)'
            cand --candidate-ip 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)'
            cand --turn 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478)'
            cand --turn-user 'TURN user name'
            cand --turn-password 'TURN password (visible to other users in the process list: prefer --turn-password-file)'
            cand --turn-password-file 'File whose first line is the TURN password (should be readable by its owner only)'
            cand --turn-realm 'TURN realm'
            cand --dht-port 'UDP port of this device''s DHT node (default: any free port)'
            cand --json 'Print one JSON event per line on stdout instead of text'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand --no-progress 'No progress bars, even on a terminal'
            cand --no-discovery 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
            cand --no-turn 'Never use a TURN relay'
            cand --relay-only 'Offer only the TURN-relayed address as a candidate (no direct path)'
            cand --no-upnp 'Do not ask the LAN''s UPnP gateway for a port mapping'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ferry;generate;completions'= {
            cand --home 'Directory holding this device''s keys and state'
            cand --config 'Configuration file (TOML; default: config.toml in the home given by --home, else in the platform configuration directory). A setting is taken from its flag, else its environment variable, else this file, else the default; `ferry doctor --config-only` shows each value and where it came from'
            cand --bootstrap 'DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN discovery only)'
            cand --candidate-ip 'Offer only this local address as an ICE candidate (repeatable; default: every interface address)'
            cand --turn 'TURN server for the relay fallback (default: Jami''s, turn:turn.jami.net:3478)'
            cand --turn-user 'TURN user name'
            cand --turn-password 'TURN password (visible to other users in the process list: prefer --turn-password-file)'
            cand --turn-password-file 'File whose first line is the TURN password (should be readable by its owner only)'
            cand --turn-realm 'TURN realm'
            cand --dht-port 'UDP port of this device''s DHT node (default: any free port)'
            cand --json 'Print one JSON event per line on stdout instead of text'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More detail (repeat for debug logs)'
            cand --verbose 'More detail (repeat for debug logs)'
            cand --no-progress 'No progress bars, even on a terminal'
            cand --no-discovery 'Do not look for DHT nodes on the LAN (multicast peer discovery)'
            cand --no-turn 'Never use a TURN relay'
            cand --relay-only 'Offer only the TURN-relayed address as a candidate (no direct path)'
            cand --no-upnp 'Do not ask the LAN''s UPnP gateway for a port mapping'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ferry;generate;help'= {
            cand man 'The man page of `ferry`, or of one subcommand (`send`, `dht-get`, ...), in roff'
            cand man-pages 'The names of every man page, one a line (`ferry`, `ferry-send`, ...)'
            cand completions 'Completions for a shell'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ferry;generate;help;man'= {
        }
        &'ferry;generate;help;man-pages'= {
        }
        &'ferry;generate;help;completions'= {
        }
        &'ferry;generate;help;help'= {
        }
        &'ferry;help'= {
            cand id 'Show this device''s account id, device id and name (created on first use)'
            cand send 'Send files to a device (--to), or to whoever types the one-time code shown'
            cand receive 'Stay online and receive files, or receive one transfer with a code from `ferry send`'
            cand accept 'List the offers waiting in the running `ferry receive`, or accept or refuse one'
            cand rerequest 'Ask the conversation''s other members to send a recorded transfer again; kept only if its SHA3-256 matches the recorded one'
            cand doctor 'Show the settings and where each comes from; check the DHT, candidates, UPnP and the TURN server'
            cand history 'The transfers this device sent and received'
            cand contacts 'Short names for ids: `add ALIAS ID`, `list`, `remove ALIAS`'
            cand account 'Link another device to this account: export the account, import it there'
            cand dht 'Talk to the DHT directly, for diagnosis (as `dhtnode` does)'
            cand generate 'Print the man page or shell completions'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ferry;help;id'= {
        }
        &'ferry;help;send'= {
        }
        &'ferry;help;receive'= {
        }
        &'ferry;help;accept'= {
        }
        &'ferry;help;rerequest'= {
        }
        &'ferry;help;doctor'= {
        }
        &'ferry;help;history'= {
        }
        &'ferry;help;contacts'= {
            cand add 'Name an account or device id'
            cand list 'Show every contact'
            cand remove 'Forget a contact'
        }
        &'ferry;help;contacts;add'= {
        }
        &'ferry;help;contacts;list'= {
        }
        &'ferry;help;contacts;remove'= {
        }
        &'ferry;help;account'= {
            cand export 'Write the account, sealed with a passphrase, for `ferry account import`'
            cand import 'Make this machine a new device of the account in FILE (with its own key)'
        }
        &'ferry;help;account;export'= {
        }
        &'ferry;help;account;import'= {
        }
        &'ferry;help;dht'= {
            cand ping 'Ping a DHT node and print its id'
            cand get 'Print the values stored at KEY (a string, hashed as OpenDHT does, or 40 hex digits)'
            cand put 'Store TEXT at KEY'
            cand listen 'Print values at KEY as they appear and expire, until Ctrl-C'
            cand node 'Run a DHT node until Ctrl-C (prints its address and id)'
        }
        &'ferry;help;dht;ping'= {
        }
        &'ferry;help;dht;get'= {
        }
        &'ferry;help;dht;put'= {
        }
        &'ferry;help;dht;listen'= {
        }
        &'ferry;help;dht;node'= {
        }
        &'ferry;help;generate'= {
            cand man 'The man page of `ferry`, or of one subcommand (`send`, `dht-get`, ...), in roff'
            cand man-pages 'The names of every man page, one a line (`ferry`, `ferry-send`, ...)'
            cand completions 'Completions for a shell'
        }
        &'ferry;help;generate;man'= {
        }
        &'ferry;help;generate;man-pages'= {
        }
        &'ferry;help;generate;completions'= {
        }
        &'ferry;help;help'= {
        }
    ]
    $completions[$command]
}
