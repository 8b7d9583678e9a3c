# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_ferry_global_optspecs
    string join \n home= json q/quiet v/verbose no-progress h/help V/version
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
complete -c ferry -n "__fish_ferry_needs_command" -l json -d 'Print one JSON event per line on stdout instead of text'
complete -c ferry -n "__fish_ferry_needs_command" -s q -l quiet -d 'Print only errors'
complete -c ferry -n "__fish_ferry_needs_command" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c ferry -n "__fish_ferry_needs_command" -l no-progress -d 'No progress bars, even on a terminal'
complete -c ferry -n "__fish_ferry_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ferry -n "__fish_ferry_needs_command" -s V -l version -d 'Print version'
complete -c ferry -n "__fish_ferry_needs_command" -f -a "id" -d 'Show this device\'s account id, device id and name (created on first use)'
complete -c ferry -n "__fish_ferry_needs_command" -f -a "send" -d 'Send a file to a device'
complete -c ferry -n "__fish_ferry_needs_command" -f -a "receive" -d 'Stay online and receive files'
complete -c ferry -n "__fish_ferry_needs_command" -f -a "accept" -d 'Act on a pending offer of the running `ferry receive` (not available yet)'
complete -c ferry -n "__fish_ferry_needs_command" -f -a "rerequest" -d 'Ask the conversation\'s members to send a recorded transfer again (not available yet)'
complete -c ferry -n "__fish_ferry_needs_command" -f -a "generate" -d 'Print the man page or shell completions'
complete -c ferry -n "__fish_ferry_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ferry -n "__fish_ferry_using_subcommand id" -l home -d 'Directory holding this device\'s keys and state' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand id" -l json -d 'Print one JSON event per line on stdout instead of text'
complete -c ferry -n "__fish_ferry_using_subcommand id" -s q -l quiet -d 'Print only errors'
complete -c ferry -n "__fish_ferry_using_subcommand id" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c ferry -n "__fish_ferry_using_subcommand id" -l no-progress -d 'No progress bars, even on a terminal'
complete -c ferry -n "__fish_ferry_using_subcommand id" -s h -l help -d 'Print help'
complete -c ferry -n "__fish_ferry_using_subcommand send" -l to -d 'The receiving device id, or account id (any of its devices)' -r
complete -c ferry -n "__fish_ferry_using_subcommand send" -l peer-addr -d 'Connect directly to the receiver at this address' -r
complete -c ferry -n "__fish_ferry_using_subcommand send" -l name -d 'Offer the file under this name instead of its own' -r
complete -c ferry -n "__fish_ferry_using_subcommand send" -l limit-rate -d 'Limit the sending rate, in bytes per second (suffixes K, M, G)' -r
complete -c ferry -n "__fish_ferry_using_subcommand send" -l home -d 'Directory holding this device\'s keys and state' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand send" -l json -d 'Print one JSON event per line on stdout instead of text'
complete -c ferry -n "__fish_ferry_using_subcommand send" -s q -l quiet -d 'Print only errors'
complete -c ferry -n "__fish_ferry_using_subcommand send" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c ferry -n "__fish_ferry_using_subcommand send" -l no-progress -d 'No progress bars, even on a terminal'
complete -c ferry -n "__fish_ferry_using_subcommand send" -s h -l help -d 'Print help'
complete -c ferry -n "__fish_ferry_using_subcommand receive" -l listen -d 'Accept direct connections on this address' -r
complete -c ferry -n "__fish_ferry_using_subcommand receive" -l dir -d 'Where received files are saved (default: the download directory)' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand receive" -l from -d 'Accept offers only from this device or account id (repeatable); others are refused' -r
complete -c ferry -n "__fish_ferry_using_subcommand receive" -l home -d 'Directory holding this device\'s keys and state' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand receive" -l yes -d 'Accept every offer (from the senders allowed by --from)'
complete -c ferry -n "__fish_ferry_using_subcommand receive" -l once -d 'Exit after one transfer, with its outcome as exit status'
complete -c ferry -n "__fish_ferry_using_subcommand receive" -l json -d 'Print one JSON event per line on stdout instead of text'
complete -c ferry -n "__fish_ferry_using_subcommand receive" -s q -l quiet -d 'Print only errors'
complete -c ferry -n "__fish_ferry_using_subcommand receive" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c ferry -n "__fish_ferry_using_subcommand receive" -l no-progress -d 'No progress bars, even on a terminal'
complete -c ferry -n "__fish_ferry_using_subcommand receive" -s h -l help -d 'Print help'
complete -c ferry -n "__fish_ferry_using_subcommand accept" -l as -d 'Save under this name' -r
complete -c ferry -n "__fish_ferry_using_subcommand accept" -l home -d 'Directory holding this device\'s keys and state' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand accept" -l reject -d 'Refuse the offer instead'
complete -c ferry -n "__fish_ferry_using_subcommand accept" -l json -d 'Print one JSON event per line on stdout instead of text'
complete -c ferry -n "__fish_ferry_using_subcommand accept" -s q -l quiet -d 'Print only errors'
complete -c ferry -n "__fish_ferry_using_subcommand accept" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c ferry -n "__fish_ferry_using_subcommand accept" -l no-progress -d 'No progress bars, even on a terminal'
complete -c ferry -n "__fish_ferry_using_subcommand accept" -s h -l help -d 'Print help'
complete -c ferry -n "__fish_ferry_using_subcommand rerequest" -l home -d 'Directory holding this device\'s keys and state' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand rerequest" -l json -d 'Print one JSON event per line on stdout instead of text'
complete -c ferry -n "__fish_ferry_using_subcommand rerequest" -s q -l quiet -d 'Print only errors'
complete -c ferry -n "__fish_ferry_using_subcommand rerequest" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c ferry -n "__fish_ferry_using_subcommand rerequest" -l no-progress -d 'No progress bars, even on a terminal'
complete -c ferry -n "__fish_ferry_using_subcommand rerequest" -s h -l help -d 'Print help'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and not __fish_seen_subcommand_from man completions help" -l home -d 'Directory holding this device\'s keys and state' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand generate; and not __fish_seen_subcommand_from man completions help" -l json -d 'Print one JSON event per line on stdout instead of text'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and not __fish_seen_subcommand_from man completions help" -s q -l quiet -d 'Print only errors'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and not __fish_seen_subcommand_from man completions help" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and not __fish_seen_subcommand_from man completions help" -l no-progress -d 'No progress bars, even on a terminal'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and not __fish_seen_subcommand_from man completions help" -s h -l help -d 'Print help'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and not __fish_seen_subcommand_from man completions help" -f -a "man" -d 'The man page, in roff'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and not __fish_seen_subcommand_from man completions help" -f -a "completions" -d 'Completions for a shell'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and not __fish_seen_subcommand_from man completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man" -l home -d 'Directory holding this device\'s keys and state' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man" -l json -d 'Print one JSON event per line on stdout instead of text'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man" -s q -l quiet -d 'Print only errors'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man" -l no-progress -d 'No progress bars, even on a terminal'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from man" -s h -l help -d 'Print help'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from completions" -l home -d 'Directory holding this device\'s keys and state' -r -F
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from completions" -l json -d 'Print one JSON event per line on stdout instead of text'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from completions" -s q -l quiet -d 'Print only errors'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from completions" -s v -l verbose -d 'More detail (repeat for debug logs)'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from completions" -l no-progress -d 'No progress bars, even on a terminal'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from completions" -s h -l help -d 'Print help'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "man" -d 'The man page, in roff'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "completions" -d 'Completions for a shell'
complete -c ferry -n "__fish_ferry_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ferry -n "__fish_ferry_using_subcommand help; and not __fish_seen_subcommand_from id send receive accept rerequest generate help" -f -a "id" -d 'Show this device\'s account id, device id and name (created on first use)'
complete -c ferry -n "__fish_ferry_using_subcommand help; and not __fish_seen_subcommand_from id send receive accept rerequest generate help" -f -a "send" -d 'Send a file to a device'
complete -c ferry -n "__fish_ferry_using_subcommand help; and not __fish_seen_subcommand_from id send receive accept rerequest generate help" -f -a "receive" -d 'Stay online and receive files'
complete -c ferry -n "__fish_ferry_using_subcommand help; and not __fish_seen_subcommand_from id send receive accept rerequest generate help" -f -a "accept" -d 'Act on a pending offer of the running `ferry receive` (not available yet)'
complete -c ferry -n "__fish_ferry_using_subcommand help; and not __fish_seen_subcommand_from id send receive accept rerequest generate help" -f -a "rerequest" -d 'Ask the conversation\'s members to send a recorded transfer again (not available yet)'
complete -c ferry -n "__fish_ferry_using_subcommand help; and not __fish_seen_subcommand_from id send receive accept rerequest generate help" -f -a "generate" -d 'Print the man page or shell completions'
complete -c ferry -n "__fish_ferry_using_subcommand help; and not __fish_seen_subcommand_from id send receive accept rerequest generate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ferry -n "__fish_ferry_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "man" -d 'The man page, in roff'
complete -c ferry -n "__fish_ferry_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "completions" -d 'Completions for a shell'
