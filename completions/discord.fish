# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_discord_global_optspecs
    string join \n token= bearer profile= api-url= sandbox pretty compact color= jq= r/raw-output i/include v/verbose dry-run connect-timeout= timeout= max-wait= no-rate-limit-cache h/help V/version
end

function __fish_discord_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_discord_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_discord_using_subcommand
    set -l cmd (__fish_discord_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c discord -n "__fish_discord_needs_command" -l token -d 'Bot token (or \'Bearer TOKEN\'); defaults to $DISCORD_TOKEN, then the config file' -r
complete -c discord -n "__fish_discord_needs_command" -l profile -d 'Profile in the config file to take the token from' -r
complete -c discord -n "__fish_discord_needs_command" -l api-url -d 'API base URL [default: https://discord.com/api/v10]' -r
complete -c discord -n "__fish_discord_needs_command" -l color -d 'When to colour output' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c discord -n "__fish_discord_needs_command" -l jq -d 'Filter every printed JSON value through a jq expression (jaq, built in)' -r
complete -c discord -n "__fish_discord_needs_command" -l connect-timeout -d 'Seconds to wait for a connection' -r
complete -c discord -n "__fish_discord_needs_command" -l timeout -d 'Seconds to wait for a whole request (0 for no limit)' -r
complete -c discord -n "__fish_discord_needs_command" -l max-wait -d 'Give up instead of waiting when a rate limit asks for a wait longer than SECS' -r
complete -c discord -n "__fish_discord_needs_command" -l bearer -d 'Send the token as an OAuth2 bearer token instead of a bot token'
complete -c discord -n "__fish_discord_needs_command" -l sandbox -d 'Run against a private in-process sandbox instead of Discord (no token or network needed)'
complete -c discord -n "__fish_discord_needs_command" -l pretty -d 'Pretty-print JSON output (default when stdout is a terminal)'
complete -c discord -n "__fish_discord_needs_command" -l compact -d 'Print JSON compactly on one line (default when stdout is not a terminal)'
complete -c discord -n "__fish_discord_needs_command" -s r -l raw-output -d 'Print strings unquoted (with --jq, like jq -r)'
complete -c discord -n "__fish_discord_needs_command" -s i -l include -d 'Print the response status line and headers to stderr'
complete -c discord -n "__fish_discord_needs_command" -s v -l verbose -d 'Print the request line and headers (token redacted) and the response headers to stderr'
complete -c discord -n "__fish_discord_needs_command" -l dry-run -d 'Print the request that would be sent (token redacted) and send nothing'
complete -c discord -n "__fish_discord_needs_command" -l no-rate-limit-cache -d 'Keep rate-limit state to this process instead of sharing it with other invocations through the cache directory ($DISCORD_CACHE_DIR)'
complete -c discord -n "__fish_discord_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c discord -n "__fish_discord_needs_command" -s V -l version -d 'Print version'
complete -c discord -n "__fish_discord_needs_command" -f -a "get" -d 'Send a GET request to any API path'
complete -c discord -n "__fish_discord_needs_command" -f -a "post" -d 'Send a POST request to any API path'
complete -c discord -n "__fish_discord_needs_command" -f -a "put" -d 'Send a PUT request to any API path'
complete -c discord -n "__fish_discord_needs_command" -f -a "patch" -d 'Send a PATCH request to any API path'
complete -c discord -n "__fish_discord_needs_command" -f -a "delete" -d 'Send a DELETE request to any API path'
complete -c discord -n "__fish_discord_needs_command" -f -a "login" -d 'Store a token in the config file (prompted with hidden input and checked first)'
complete -c discord -n "__fish_discord_needs_command" -f -a "logout" -d 'Remove the stored token of a profile'
complete -c discord -n "__fish_discord_needs_command" -f -a "sandbox" -d 'Run a local, stateful stand-in for Discord\'s REST API and gateway'
complete -c discord -n "__fish_discord_needs_command" -f -a "intents" -d 'List the gateway intents: name, value, privileged or not, and the events each carries'
complete -c discord -n "__fish_discord_needs_command" -f -a "batch" -d 'Run JSON request lines from stdin concurrently; one JSON result line each, in input order'
complete -c discord -n "__fish_discord_needs_command" -f -a "completions" -d 'Print a shell completion script (bash, zsh, fish, elvish, powershell)'
complete -c discord -n "__fish_discord_needs_command" -f -a "man" -d 'Write man pages (discord.1 and one per subcommand) into a folder'
complete -c discord -n "__fish_discord_needs_command" -f -a "listen" -d 'Stream gateway events as JSON lines, one per dispatch'
complete -c discord -n "__fish_discord_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c discord -n "__fish_discord_using_subcommand get" -l data -d 'Request body from a string, @file or @- for stdin' -r
complete -c discord -n "__fish_discord_using_subcommand get" -s f -l raw-field -d 'String field: key=value (nested keys: embeds[0][title]=Hi, tags[]=a)' -r
complete -c discord -n "__fish_discord_using_subcommand get" -s F -l field -d 'Typed field: numbers, true/false/null, JSON arrays/objects, @file for a file\'s contents' -r
complete -c discord -n "__fish_discord_using_subcommand get" -s q -l query -d 'Query parameter key=value (repeatable)' -r
complete -c discord -n "__fish_discord_using_subcommand get" -s H -l header -d 'Extra header \'Name: value\' (repeatable)' -r
complete -c discord -n "__fish_discord_using_subcommand get" -l reason -d 'Audit log reason (sent as X-Audit-Log-Reason)' -r
complete -c discord -n "__fish_discord_using_subcommand get" -l file -d 'Attach a file (repeatable); sends multipart/form-data with payload_json' -r -F
complete -c discord -n "__fish_discord_using_subcommand get" -l token -d 'Bot token (or \'Bearer TOKEN\'); defaults to $DISCORD_TOKEN, then the config file' -r
complete -c discord -n "__fish_discord_using_subcommand get" -l profile -d 'Profile in the config file to take the token from' -r
complete -c discord -n "__fish_discord_using_subcommand get" -l api-url -d 'API base URL [default: https://discord.com/api/v10]' -r
complete -c discord -n "__fish_discord_using_subcommand get" -l color -d 'When to colour output' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c discord -n "__fish_discord_using_subcommand get" -l jq -d 'Filter every printed JSON value through a jq expression (jaq, built in)' -r
complete -c discord -n "__fish_discord_using_subcommand get" -l connect-timeout -d 'Seconds to wait for a connection' -r
complete -c discord -n "__fish_discord_using_subcommand get" -l timeout -d 'Seconds to wait for a whole request (0 for no limit)' -r
complete -c discord -n "__fish_discord_using_subcommand get" -l max-wait -d 'Give up instead of waiting when a rate limit asks for a wait longer than SECS' -r
complete -c discord -n "__fish_discord_using_subcommand get" -l paginate -d 'Follow before/after pages to the end and print every item once, as one JSON array'
complete -c discord -n "__fish_discord_using_subcommand get" -l lines -d 'With --paginate: print one item per line, streaming'
complete -c discord -n "__fish_discord_using_subcommand get" -l bearer -d 'Send the token as an OAuth2 bearer token instead of a bot token'
complete -c discord -n "__fish_discord_using_subcommand get" -l sandbox -d 'Run against a private in-process sandbox instead of Discord (no token or network needed)'
complete -c discord -n "__fish_discord_using_subcommand get" -l pretty -d 'Pretty-print JSON output (default when stdout is a terminal)'
complete -c discord -n "__fish_discord_using_subcommand get" -l compact -d 'Print JSON compactly on one line (default when stdout is not a terminal)'
complete -c discord -n "__fish_discord_using_subcommand get" -s r -l raw-output -d 'Print strings unquoted (with --jq, like jq -r)'
complete -c discord -n "__fish_discord_using_subcommand get" -s i -l include -d 'Print the response status line and headers to stderr'
complete -c discord -n "__fish_discord_using_subcommand get" -s v -l verbose -d 'Print the request line and headers (token redacted) and the response headers to stderr'
complete -c discord -n "__fish_discord_using_subcommand get" -l dry-run -d 'Print the request that would be sent (token redacted) and send nothing'
complete -c discord -n "__fish_discord_using_subcommand get" -l no-rate-limit-cache -d 'Keep rate-limit state to this process instead of sharing it with other invocations through the cache directory ($DISCORD_CACHE_DIR)'
complete -c discord -n "__fish_discord_using_subcommand get" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c discord -n "__fish_discord_using_subcommand post" -l data -d 'Request body from a string, @file or @- for stdin' -r
complete -c discord -n "__fish_discord_using_subcommand post" -s f -l raw-field -d 'String field: key=value (nested keys: embeds[0][title]=Hi, tags[]=a)' -r
complete -c discord -n "__fish_discord_using_subcommand post" -s F -l field -d 'Typed field: numbers, true/false/null, JSON arrays/objects, @file for a file\'s contents' -r
complete -c discord -n "__fish_discord_using_subcommand post" -s q -l query -d 'Query parameter key=value (repeatable)' -r
complete -c discord -n "__fish_discord_using_subcommand post" -s H -l header -d 'Extra header \'Name: value\' (repeatable)' -r
complete -c discord -n "__fish_discord_using_subcommand post" -l reason -d 'Audit log reason (sent as X-Audit-Log-Reason)' -r
complete -c discord -n "__fish_discord_using_subcommand post" -l file -d 'Attach a file (repeatable); sends multipart/form-data with payload_json' -r -F
complete -c discord -n "__fish_discord_using_subcommand post" -l token -d 'Bot token (or \'Bearer TOKEN\'); defaults to $DISCORD_TOKEN, then the config file' -r
complete -c discord -n "__fish_discord_using_subcommand post" -l profile -d 'Profile in the config file to take the token from' -r
complete -c discord -n "__fish_discord_using_subcommand post" -l api-url -d 'API base URL [default: https://discord.com/api/v10]' -r
complete -c discord -n "__fish_discord_using_subcommand post" -l color -d 'When to colour output' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c discord -n "__fish_discord_using_subcommand post" -l jq -d 'Filter every printed JSON value through a jq expression (jaq, built in)' -r
complete -c discord -n "__fish_discord_using_subcommand post" -l connect-timeout -d 'Seconds to wait for a connection' -r
complete -c discord -n "__fish_discord_using_subcommand post" -l timeout -d 'Seconds to wait for a whole request (0 for no limit)' -r
complete -c discord -n "__fish_discord_using_subcommand post" -l max-wait -d 'Give up instead of waiting when a rate limit asks for a wait longer than SECS' -r
complete -c discord -n "__fish_discord_using_subcommand post" -l paginate -d 'Follow before/after pages to the end and print every item once, as one JSON array'
complete -c discord -n "__fish_discord_using_subcommand post" -l lines -d 'With --paginate: print one item per line, streaming'
complete -c discord -n "__fish_discord_using_subcommand post" -l bearer -d 'Send the token as an OAuth2 bearer token instead of a bot token'
complete -c discord -n "__fish_discord_using_subcommand post" -l sandbox -d 'Run against a private in-process sandbox instead of Discord (no token or network needed)'
complete -c discord -n "__fish_discord_using_subcommand post" -l pretty -d 'Pretty-print JSON output (default when stdout is a terminal)'
complete -c discord -n "__fish_discord_using_subcommand post" -l compact -d 'Print JSON compactly on one line (default when stdout is not a terminal)'
complete -c discord -n "__fish_discord_using_subcommand post" -s r -l raw-output -d 'Print strings unquoted (with --jq, like jq -r)'
complete -c discord -n "__fish_discord_using_subcommand post" -s i -l include -d 'Print the response status line and headers to stderr'
complete -c discord -n "__fish_discord_using_subcommand post" -s v -l verbose -d 'Print the request line and headers (token redacted) and the response headers to stderr'
complete -c discord -n "__fish_discord_using_subcommand post" -l dry-run -d 'Print the request that would be sent (token redacted) and send nothing'
complete -c discord -n "__fish_discord_using_subcommand post" -l no-rate-limit-cache -d 'Keep rate-limit state to this process instead of sharing it with other invocations through the cache directory ($DISCORD_CACHE_DIR)'
complete -c discord -n "__fish_discord_using_subcommand post" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c discord -n "__fish_discord_using_subcommand put" -l data -d 'Request body from a string, @file or @- for stdin' -r
complete -c discord -n "__fish_discord_using_subcommand put" -s f -l raw-field -d 'String field: key=value (nested keys: embeds[0][title]=Hi, tags[]=a)' -r
complete -c discord -n "__fish_discord_using_subcommand put" -s F -l field -d 'Typed field: numbers, true/false/null, JSON arrays/objects, @file for a file\'s contents' -r
complete -c discord -n "__fish_discord_using_subcommand put" -s q -l query -d 'Query parameter key=value (repeatable)' -r
complete -c discord -n "__fish_discord_using_subcommand put" -s H -l header -d 'Extra header \'Name: value\' (repeatable)' -r
complete -c discord -n "__fish_discord_using_subcommand put" -l reason -d 'Audit log reason (sent as X-Audit-Log-Reason)' -r
complete -c discord -n "__fish_discord_using_subcommand put" -l file -d 'Attach a file (repeatable); sends multipart/form-data with payload_json' -r -F
complete -c discord -n "__fish_discord_using_subcommand put" -l token -d 'Bot token (or \'Bearer TOKEN\'); defaults to $DISCORD_TOKEN, then the config file' -r
complete -c discord -n "__fish_discord_using_subcommand put" -l profile -d 'Profile in the config file to take the token from' -r
complete -c discord -n "__fish_discord_using_subcommand put" -l api-url -d 'API base URL [default: https://discord.com/api/v10]' -r
complete -c discord -n "__fish_discord_using_subcommand put" -l color -d 'When to colour output' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c discord -n "__fish_discord_using_subcommand put" -l jq -d 'Filter every printed JSON value through a jq expression (jaq, built in)' -r
complete -c discord -n "__fish_discord_using_subcommand put" -l connect-timeout -d 'Seconds to wait for a connection' -r
complete -c discord -n "__fish_discord_using_subcommand put" -l timeout -d 'Seconds to wait for a whole request (0 for no limit)' -r
complete -c discord -n "__fish_discord_using_subcommand put" -l max-wait -d 'Give up instead of waiting when a rate limit asks for a wait longer than SECS' -r
complete -c discord -n "__fish_discord_using_subcommand put" -l paginate -d 'Follow before/after pages to the end and print every item once, as one JSON array'
complete -c discord -n "__fish_discord_using_subcommand put" -l lines -d 'With --paginate: print one item per line, streaming'
complete -c discord -n "__fish_discord_using_subcommand put" -l bearer -d 'Send the token as an OAuth2 bearer token instead of a bot token'
complete -c discord -n "__fish_discord_using_subcommand put" -l sandbox -d 'Run against a private in-process sandbox instead of Discord (no token or network needed)'
complete -c discord -n "__fish_discord_using_subcommand put" -l pretty -d 'Pretty-print JSON output (default when stdout is a terminal)'
complete -c discord -n "__fish_discord_using_subcommand put" -l compact -d 'Print JSON compactly on one line (default when stdout is not a terminal)'
complete -c discord -n "__fish_discord_using_subcommand put" -s r -l raw-output -d 'Print strings unquoted (with --jq, like jq -r)'
complete -c discord -n "__fish_discord_using_subcommand put" -s i -l include -d 'Print the response status line and headers to stderr'
complete -c discord -n "__fish_discord_using_subcommand put" -s v -l verbose -d 'Print the request line and headers (token redacted) and the response headers to stderr'
complete -c discord -n "__fish_discord_using_subcommand put" -l dry-run -d 'Print the request that would be sent (token redacted) and send nothing'
complete -c discord -n "__fish_discord_using_subcommand put" -l no-rate-limit-cache -d 'Keep rate-limit state to this process instead of sharing it with other invocations through the cache directory ($DISCORD_CACHE_DIR)'
complete -c discord -n "__fish_discord_using_subcommand put" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c discord -n "__fish_discord_using_subcommand patch" -l data -d 'Request body from a string, @file or @- for stdin' -r
complete -c discord -n "__fish_discord_using_subcommand patch" -s f -l raw-field -d 'String field: key=value (nested keys: embeds[0][title]=Hi, tags[]=a)' -r
complete -c discord -n "__fish_discord_using_subcommand patch" -s F -l field -d 'Typed field: numbers, true/false/null, JSON arrays/objects, @file for a file\'s contents' -r
complete -c discord -n "__fish_discord_using_subcommand patch" -s q -l query -d 'Query parameter key=value (repeatable)' -r
complete -c discord -n "__fish_discord_using_subcommand patch" -s H -l header -d 'Extra header \'Name: value\' (repeatable)' -r
complete -c discord -n "__fish_discord_using_subcommand patch" -l reason -d 'Audit log reason (sent as X-Audit-Log-Reason)' -r
complete -c discord -n "__fish_discord_using_subcommand patch" -l file -d 'Attach a file (repeatable); sends multipart/form-data with payload_json' -r -F
complete -c discord -n "__fish_discord_using_subcommand patch" -l token -d 'Bot token (or \'Bearer TOKEN\'); defaults to $DISCORD_TOKEN, then the config file' -r
complete -c discord -n "__fish_discord_using_subcommand patch" -l profile -d 'Profile in the config file to take the token from' -r
complete -c discord -n "__fish_discord_using_subcommand patch" -l api-url -d 'API base URL [default: https://discord.com/api/v10]' -r
complete -c discord -n "__fish_discord_using_subcommand patch" -l color -d 'When to colour output' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c discord -n "__fish_discord_using_subcommand patch" -l jq -d 'Filter every printed JSON value through a jq expression (jaq, built in)' -r
complete -c discord -n "__fish_discord_using_subcommand patch" -l connect-timeout -d 'Seconds to wait for a connection' -r
complete -c discord -n "__fish_discord_using_subcommand patch" -l timeout -d 'Seconds to wait for a whole request (0 for no limit)' -r
complete -c discord -n "__fish_discord_using_subcommand patch" -l max-wait -d 'Give up instead of waiting when a rate limit asks for a wait longer than SECS' -r
complete -c discord -n "__fish_discord_using_subcommand patch" -l paginate -d 'Follow before/after pages to the end and print every item once, as one JSON array'
complete -c discord -n "__fish_discord_using_subcommand patch" -l lines -d 'With --paginate: print one item per line, streaming'
complete -c discord -n "__fish_discord_using_subcommand patch" -l bearer -d 'Send the token as an OAuth2 bearer token instead of a bot token'
complete -c discord -n "__fish_discord_using_subcommand patch" -l sandbox -d 'Run against a private in-process sandbox instead of Discord (no token or network needed)'
complete -c discord -n "__fish_discord_using_subcommand patch" -l pretty -d 'Pretty-print JSON output (default when stdout is a terminal)'
complete -c discord -n "__fish_discord_using_subcommand patch" -l compact -d 'Print JSON compactly on one line (default when stdout is not a terminal)'
complete -c discord -n "__fish_discord_using_subcommand patch" -s r -l raw-output -d 'Print strings unquoted (with --jq, like jq -r)'
complete -c discord -n "__fish_discord_using_subcommand patch" -s i -l include -d 'Print the response status line and headers to stderr'
complete -c discord -n "__fish_discord_using_subcommand patch" -s v -l verbose -d 'Print the request line and headers (token redacted) and the response headers to stderr'
complete -c discord -n "__fish_discord_using_subcommand patch" -l dry-run -d 'Print the request that would be sent (token redacted) and send nothing'
complete -c discord -n "__fish_discord_using_subcommand patch" -l no-rate-limit-cache -d 'Keep rate-limit state to this process instead of sharing it with other invocations through the cache directory ($DISCORD_CACHE_DIR)'
complete -c discord -n "__fish_discord_using_subcommand patch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c discord -n "__fish_discord_using_subcommand delete" -l data -d 'Request body from a string, @file or @- for stdin' -r
complete -c discord -n "__fish_discord_using_subcommand delete" -s f -l raw-field -d 'String field: key=value (nested keys: embeds[0][title]=Hi, tags[]=a)' -r
complete -c discord -n "__fish_discord_using_subcommand delete" -s F -l field -d 'Typed field: numbers, true/false/null, JSON arrays/objects, @file for a file\'s contents' -r
complete -c discord -n "__fish_discord_using_subcommand delete" -s q -l query -d 'Query parameter key=value (repeatable)' -r
complete -c discord -n "__fish_discord_using_subcommand delete" -s H -l header -d 'Extra header \'Name: value\' (repeatable)' -r
complete -c discord -n "__fish_discord_using_subcommand delete" -l reason -d 'Audit log reason (sent as X-Audit-Log-Reason)' -r
complete -c discord -n "__fish_discord_using_subcommand delete" -l file -d 'Attach a file (repeatable); sends multipart/form-data with payload_json' -r -F
complete -c discord -n "__fish_discord_using_subcommand delete" -l token -d 'Bot token (or \'Bearer TOKEN\'); defaults to $DISCORD_TOKEN, then the config file' -r
complete -c discord -n "__fish_discord_using_subcommand delete" -l profile -d 'Profile in the config file to take the token from' -r
complete -c discord -n "__fish_discord_using_subcommand delete" -l api-url -d 'API base URL [default: https://discord.com/api/v10]' -r
complete -c discord -n "__fish_discord_using_subcommand delete" -l color -d 'When to colour output' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c discord -n "__fish_discord_using_subcommand delete" -l jq -d 'Filter every printed JSON value through a jq expression (jaq, built in)' -r
complete -c discord -n "__fish_discord_using_subcommand delete" -l connect-timeout -d 'Seconds to wait for a connection' -r
complete -c discord -n "__fish_discord_using_subcommand delete" -l timeout -d 'Seconds to wait for a whole request (0 for no limit)' -r
complete -c discord -n "__fish_discord_using_subcommand delete" -l max-wait -d 'Give up instead of waiting when a rate limit asks for a wait longer than SECS' -r
complete -c discord -n "__fish_discord_using_subcommand delete" -l paginate -d 'Follow before/after pages to the end and print every item once, as one JSON array'
complete -c discord -n "__fish_discord_using_subcommand delete" -l lines -d 'With --paginate: print one item per line, streaming'
complete -c discord -n "__fish_discord_using_subcommand delete" -l bearer -d 'Send the token as an OAuth2 bearer token instead of a bot token'
complete -c discord -n "__fish_discord_using_subcommand delete" -l sandbox -d 'Run against a private in-process sandbox instead of Discord (no token or network needed)'
complete -c discord -n "__fish_discord_using_subcommand delete" -l pretty -d 'Pretty-print JSON output (default when stdout is a terminal)'
complete -c discord -n "__fish_discord_using_subcommand delete" -l compact -d 'Print JSON compactly on one line (default when stdout is not a terminal)'
complete -c discord -n "__fish_discord_using_subcommand delete" -s r -l raw-output -d 'Print strings unquoted (with --jq, like jq -r)'
complete -c discord -n "__fish_discord_using_subcommand delete" -s i -l include -d 'Print the response status line and headers to stderr'
complete -c discord -n "__fish_discord_using_subcommand delete" -s v -l verbose -d 'Print the request line and headers (token redacted) and the response headers to stderr'
complete -c discord -n "__fish_discord_using_subcommand delete" -l dry-run -d 'Print the request that would be sent (token redacted) and send nothing'
complete -c discord -n "__fish_discord_using_subcommand delete" -l no-rate-limit-cache -d 'Keep rate-limit state to this process instead of sharing it with other invocations through the cache directory ($DISCORD_CACHE_DIR)'
complete -c discord -n "__fish_discord_using_subcommand delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c discord -n "__fish_discord_using_subcommand login" -l token -d 'Bot token (or \'Bearer TOKEN\'); defaults to $DISCORD_TOKEN, then the config file' -r
complete -c discord -n "__fish_discord_using_subcommand login" -l profile -d 'Profile in the config file to take the token from' -r
complete -c discord -n "__fish_discord_using_subcommand login" -l api-url -d 'API base URL [default: https://discord.com/api/v10]' -r
complete -c discord -n "__fish_discord_using_subcommand login" -l color -d 'When to colour output' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c discord -n "__fish_discord_using_subcommand login" -l jq -d 'Filter every printed JSON value through a jq expression (jaq, built in)' -r
complete -c discord -n "__fish_discord_using_subcommand login" -l connect-timeout -d 'Seconds to wait for a connection' -r
complete -c discord -n "__fish_discord_using_subcommand login" -l timeout -d 'Seconds to wait for a whole request (0 for no limit)' -r
complete -c discord -n "__fish_discord_using_subcommand login" -l max-wait -d 'Give up instead of waiting when a rate limit asks for a wait longer than SECS' -r
complete -c discord -n "__fish_discord_using_subcommand login" -l with-token -d 'Read the token from stdin instead of prompting'
complete -c discord -n "__fish_discord_using_subcommand login" -l bearer -d 'Send the token as an OAuth2 bearer token instead of a bot token'
complete -c discord -n "__fish_discord_using_subcommand login" -l sandbox -d 'Run against a private in-process sandbox instead of Discord (no token or network needed)'
complete -c discord -n "__fish_discord_using_subcommand login" -l pretty -d 'Pretty-print JSON output (default when stdout is a terminal)'
complete -c discord -n "__fish_discord_using_subcommand login" -l compact -d 'Print JSON compactly on one line (default when stdout is not a terminal)'
complete -c discord -n "__fish_discord_using_subcommand login" -s r -l raw-output -d 'Print strings unquoted (with --jq, like jq -r)'
complete -c discord -n "__fish_discord_using_subcommand login" -s i -l include -d 'Print the response status line and headers to stderr'
complete -c discord -n "__fish_discord_using_subcommand login" -s v -l verbose -d 'Print the request line and headers (token redacted) and the response headers to stderr'
complete -c discord -n "__fish_discord_using_subcommand login" -l dry-run -d 'Print the request that would be sent (token redacted) and send nothing'
complete -c discord -n "__fish_discord_using_subcommand login" -l no-rate-limit-cache -d 'Keep rate-limit state to this process instead of sharing it with other invocations through the cache directory ($DISCORD_CACHE_DIR)'
complete -c discord -n "__fish_discord_using_subcommand login" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c discord -n "__fish_discord_using_subcommand logout" -l token -d 'Bot token (or \'Bearer TOKEN\'); defaults to $DISCORD_TOKEN, then the config file' -r
complete -c discord -n "__fish_discord_using_subcommand logout" -l profile -d 'Profile in the config file to take the token from' -r
complete -c discord -n "__fish_discord_using_subcommand logout" -l api-url -d 'API base URL [default: https://discord.com/api/v10]' -r
complete -c discord -n "__fish_discord_using_subcommand logout" -l color -d 'When to colour output' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c discord -n "__fish_discord_using_subcommand logout" -l jq -d 'Filter every printed JSON value through a jq expression (jaq, built in)' -r
complete -c discord -n "__fish_discord_using_subcommand logout" -l connect-timeout -d 'Seconds to wait for a connection' -r
complete -c discord -n "__fish_discord_using_subcommand logout" -l timeout -d 'Seconds to wait for a whole request (0 for no limit)' -r
complete -c discord -n "__fish_discord_using_subcommand logout" -l max-wait -d 'Give up instead of waiting when a rate limit asks for a wait longer than SECS' -r
complete -c discord -n "__fish_discord_using_subcommand logout" -l bearer -d 'Send the token as an OAuth2 bearer token instead of a bot token'
complete -c discord -n "__fish_discord_using_subcommand logout" -l sandbox -d 'Run against a private in-process sandbox instead of Discord (no token or network needed)'
complete -c discord -n "__fish_discord_using_subcommand logout" -l pretty -d 'Pretty-print JSON output (default when stdout is a terminal)'
complete -c discord -n "__fish_discord_using_subcommand logout" -l compact -d 'Print JSON compactly on one line (default when stdout is not a terminal)'
complete -c discord -n "__fish_discord_using_subcommand logout" -s r -l raw-output -d 'Print strings unquoted (with --jq, like jq -r)'
complete -c discord -n "__fish_discord_using_subcommand logout" -s i -l include -d 'Print the response status line and headers to stderr'
complete -c discord -n "__fish_discord_using_subcommand logout" -s v -l verbose -d 'Print the request line and headers (token redacted) and the response headers to stderr'
complete -c discord -n "__fish_discord_using_subcommand logout" -l dry-run -d 'Print the request that would be sent (token redacted) and send nothing'
complete -c discord -n "__fish_discord_using_subcommand logout" -l no-rate-limit-cache -d 'Keep rate-limit state to this process instead of sharing it with other invocations through the cache directory ($DISCORD_CACHE_DIR)'
complete -c discord -n "__fish_discord_using_subcommand logout" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c discord -n "__fish_discord_using_subcommand sandbox" -l port -d 'Port to listen on (default: a free port)' -r
complete -c discord -n "__fish_discord_using_subcommand sandbox" -l rate-limit-scale -d 'Multiply every rate-limit window by FACTOR (1 = Discord\'s; smaller makes tests faster)' -r
complete -c discord -n "__fish_discord_using_subcommand sandbox" -l token -d 'Bot token (or \'Bearer TOKEN\'); defaults to $DISCORD_TOKEN, then the config file' -r
complete -c discord -n "__fish_discord_using_subcommand sandbox" -l profile -d 'Profile in the config file to take the token from' -r
complete -c discord -n "__fish_discord_using_subcommand sandbox" -l api-url -d 'API base URL [default: https://discord.com/api/v10]' -r
complete -c discord -n "__fish_discord_using_subcommand sandbox" -l color -d 'When to colour output' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c discord -n "__fish_discord_using_subcommand sandbox" -l jq -d 'Filter every printed JSON value through a jq expression (jaq, built in)' -r
complete -c discord -n "__fish_discord_using_subcommand sandbox" -l connect-timeout -d 'Seconds to wait for a connection' -r
complete -c discord -n "__fish_discord_using_subcommand sandbox" -l timeout -d 'Seconds to wait for a whole request (0 for no limit)' -r
complete -c discord -n "__fish_discord_using_subcommand sandbox" -l max-wait -d 'Give up instead of waiting when a rate limit asks for a wait longer than SECS' -r
complete -c discord -n "__fish_discord_using_subcommand sandbox" -l no-rate-limits -d 'Do not enforce rate limits at all'
complete -c discord -n "__fish_discord_using_subcommand sandbox" -l bearer -d 'Send the token as an OAuth2 bearer token instead of a bot token'
complete -c discord -n "__fish_discord_using_subcommand sandbox" -l sandbox -d 'Run against a private in-process sandbox instead of Discord (no token or network needed)'
complete -c discord -n "__fish_discord_using_subcommand sandbox" -l pretty -d 'Pretty-print JSON output (default when stdout is a terminal)'
complete -c discord -n "__fish_discord_using_subcommand sandbox" -l compact -d 'Print JSON compactly on one line (default when stdout is not a terminal)'
complete -c discord -n "__fish_discord_using_subcommand sandbox" -s r -l raw-output -d 'Print strings unquoted (with --jq, like jq -r)'
complete -c discord -n "__fish_discord_using_subcommand sandbox" -s i -l include -d 'Print the response status line and headers to stderr'
complete -c discord -n "__fish_discord_using_subcommand sandbox" -s v -l verbose -d 'Print the request line and headers (token redacted) and the response headers to stderr'
complete -c discord -n "__fish_discord_using_subcommand sandbox" -l dry-run -d 'Print the request that would be sent (token redacted) and send nothing'
complete -c discord -n "__fish_discord_using_subcommand sandbox" -l no-rate-limit-cache -d 'Keep rate-limit state to this process instead of sharing it with other invocations through the cache directory ($DISCORD_CACHE_DIR)'
complete -c discord -n "__fish_discord_using_subcommand sandbox" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c discord -n "__fish_discord_using_subcommand intents" -l token -d 'Bot token (or \'Bearer TOKEN\'); defaults to $DISCORD_TOKEN, then the config file' -r
complete -c discord -n "__fish_discord_using_subcommand intents" -l profile -d 'Profile in the config file to take the token from' -r
complete -c discord -n "__fish_discord_using_subcommand intents" -l api-url -d 'API base URL [default: https://discord.com/api/v10]' -r
complete -c discord -n "__fish_discord_using_subcommand intents" -l color -d 'When to colour output' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c discord -n "__fish_discord_using_subcommand intents" -l jq -d 'Filter every printed JSON value through a jq expression (jaq, built in)' -r
complete -c discord -n "__fish_discord_using_subcommand intents" -l connect-timeout -d 'Seconds to wait for a connection' -r
complete -c discord -n "__fish_discord_using_subcommand intents" -l timeout -d 'Seconds to wait for a whole request (0 for no limit)' -r
complete -c discord -n "__fish_discord_using_subcommand intents" -l max-wait -d 'Give up instead of waiting when a rate limit asks for a wait longer than SECS' -r
complete -c discord -n "__fish_discord_using_subcommand intents" -l json -d 'Print JSON (one object per intent) instead of a table'
complete -c discord -n "__fish_discord_using_subcommand intents" -l bearer -d 'Send the token as an OAuth2 bearer token instead of a bot token'
complete -c discord -n "__fish_discord_using_subcommand intents" -l sandbox -d 'Run against a private in-process sandbox instead of Discord (no token or network needed)'
complete -c discord -n "__fish_discord_using_subcommand intents" -l pretty -d 'Pretty-print JSON output (default when stdout is a terminal)'
complete -c discord -n "__fish_discord_using_subcommand intents" -l compact -d 'Print JSON compactly on one line (default when stdout is not a terminal)'
complete -c discord -n "__fish_discord_using_subcommand intents" -s r -l raw-output -d 'Print strings unquoted (with --jq, like jq -r)'
complete -c discord -n "__fish_discord_using_subcommand intents" -s i -l include -d 'Print the response status line and headers to stderr'
complete -c discord -n "__fish_discord_using_subcommand intents" -s v -l verbose -d 'Print the request line and headers (token redacted) and the response headers to stderr'
complete -c discord -n "__fish_discord_using_subcommand intents" -l dry-run -d 'Print the request that would be sent (token redacted) and send nothing'
complete -c discord -n "__fish_discord_using_subcommand intents" -l no-rate-limit-cache -d 'Keep rate-limit state to this process instead of sharing it with other invocations through the cache directory ($DISCORD_CACHE_DIR)'
complete -c discord -n "__fish_discord_using_subcommand intents" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c discord -n "__fish_discord_using_subcommand batch" -s j -l jobs -d 'Requests in flight at once (all share one rate limiter)' -r
complete -c discord -n "__fish_discord_using_subcommand batch" -l token -d 'Bot token (or \'Bearer TOKEN\'); defaults to $DISCORD_TOKEN, then the config file' -r
complete -c discord -n "__fish_discord_using_subcommand batch" -l profile -d 'Profile in the config file to take the token from' -r
complete -c discord -n "__fish_discord_using_subcommand batch" -l api-url -d 'API base URL [default: https://discord.com/api/v10]' -r
complete -c discord -n "__fish_discord_using_subcommand batch" -l color -d 'When to colour output' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c discord -n "__fish_discord_using_subcommand batch" -l jq -d 'Filter every printed JSON value through a jq expression (jaq, built in)' -r
complete -c discord -n "__fish_discord_using_subcommand batch" -l connect-timeout -d 'Seconds to wait for a connection' -r
complete -c discord -n "__fish_discord_using_subcommand batch" -l timeout -d 'Seconds to wait for a whole request (0 for no limit)' -r
complete -c discord -n "__fish_discord_using_subcommand batch" -l max-wait -d 'Give up instead of waiting when a rate limit asks for a wait longer than SECS' -r
complete -c discord -n "__fish_discord_using_subcommand batch" -l fail-fast -d 'Stop starting requests after the first failure'
complete -c discord -n "__fish_discord_using_subcommand batch" -l bearer -d 'Send the token as an OAuth2 bearer token instead of a bot token'
complete -c discord -n "__fish_discord_using_subcommand batch" -l sandbox -d 'Run against a private in-process sandbox instead of Discord (no token or network needed)'
complete -c discord -n "__fish_discord_using_subcommand batch" -l pretty -d 'Pretty-print JSON output (default when stdout is a terminal)'
complete -c discord -n "__fish_discord_using_subcommand batch" -l compact -d 'Print JSON compactly on one line (default when stdout is not a terminal)'
complete -c discord -n "__fish_discord_using_subcommand batch" -s r -l raw-output -d 'Print strings unquoted (with --jq, like jq -r)'
complete -c discord -n "__fish_discord_using_subcommand batch" -s i -l include -d 'Print the response status line and headers to stderr'
complete -c discord -n "__fish_discord_using_subcommand batch" -s v -l verbose -d 'Print the request line and headers (token redacted) and the response headers to stderr'
complete -c discord -n "__fish_discord_using_subcommand batch" -l dry-run -d 'Print the request that would be sent (token redacted) and send nothing'
complete -c discord -n "__fish_discord_using_subcommand batch" -l no-rate-limit-cache -d 'Keep rate-limit state to this process instead of sharing it with other invocations through the cache directory ($DISCORD_CACHE_DIR)'
complete -c discord -n "__fish_discord_using_subcommand batch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c discord -n "__fish_discord_using_subcommand completions" -l token -d 'Bot token (or \'Bearer TOKEN\'); defaults to $DISCORD_TOKEN, then the config file' -r
complete -c discord -n "__fish_discord_using_subcommand completions" -l profile -d 'Profile in the config file to take the token from' -r
complete -c discord -n "__fish_discord_using_subcommand completions" -l api-url -d 'API base URL [default: https://discord.com/api/v10]' -r
complete -c discord -n "__fish_discord_using_subcommand completions" -l color -d 'When to colour output' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c discord -n "__fish_discord_using_subcommand completions" -l jq -d 'Filter every printed JSON value through a jq expression (jaq, built in)' -r
complete -c discord -n "__fish_discord_using_subcommand completions" -l connect-timeout -d 'Seconds to wait for a connection' -r
complete -c discord -n "__fish_discord_using_subcommand completions" -l timeout -d 'Seconds to wait for a whole request (0 for no limit)' -r
complete -c discord -n "__fish_discord_using_subcommand completions" -l max-wait -d 'Give up instead of waiting when a rate limit asks for a wait longer than SECS' -r
complete -c discord -n "__fish_discord_using_subcommand completions" -l bearer -d 'Send the token as an OAuth2 bearer token instead of a bot token'
complete -c discord -n "__fish_discord_using_subcommand completions" -l sandbox -d 'Run against a private in-process sandbox instead of Discord (no token or network needed)'
complete -c discord -n "__fish_discord_using_subcommand completions" -l pretty -d 'Pretty-print JSON output (default when stdout is a terminal)'
complete -c discord -n "__fish_discord_using_subcommand completions" -l compact -d 'Print JSON compactly on one line (default when stdout is not a terminal)'
complete -c discord -n "__fish_discord_using_subcommand completions" -s r -l raw-output -d 'Print strings unquoted (with --jq, like jq -r)'
complete -c discord -n "__fish_discord_using_subcommand completions" -s i -l include -d 'Print the response status line and headers to stderr'
complete -c discord -n "__fish_discord_using_subcommand completions" -s v -l verbose -d 'Print the request line and headers (token redacted) and the response headers to stderr'
complete -c discord -n "__fish_discord_using_subcommand completions" -l dry-run -d 'Print the request that would be sent (token redacted) and send nothing'
complete -c discord -n "__fish_discord_using_subcommand completions" -l no-rate-limit-cache -d 'Keep rate-limit state to this process instead of sharing it with other invocations through the cache directory ($DISCORD_CACHE_DIR)'
complete -c discord -n "__fish_discord_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c discord -n "__fish_discord_using_subcommand man" -l token -d 'Bot token (or \'Bearer TOKEN\'); defaults to $DISCORD_TOKEN, then the config file' -r
complete -c discord -n "__fish_discord_using_subcommand man" -l profile -d 'Profile in the config file to take the token from' -r
complete -c discord -n "__fish_discord_using_subcommand man" -l api-url -d 'API base URL [default: https://discord.com/api/v10]' -r
complete -c discord -n "__fish_discord_using_subcommand man" -l color -d 'When to colour output' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c discord -n "__fish_discord_using_subcommand man" -l jq -d 'Filter every printed JSON value through a jq expression (jaq, built in)' -r
complete -c discord -n "__fish_discord_using_subcommand man" -l connect-timeout -d 'Seconds to wait for a connection' -r
complete -c discord -n "__fish_discord_using_subcommand man" -l timeout -d 'Seconds to wait for a whole request (0 for no limit)' -r
complete -c discord -n "__fish_discord_using_subcommand man" -l max-wait -d 'Give up instead of waiting when a rate limit asks for a wait longer than SECS' -r
complete -c discord -n "__fish_discord_using_subcommand man" -l bearer -d 'Send the token as an OAuth2 bearer token instead of a bot token'
complete -c discord -n "__fish_discord_using_subcommand man" -l sandbox -d 'Run against a private in-process sandbox instead of Discord (no token or network needed)'
complete -c discord -n "__fish_discord_using_subcommand man" -l pretty -d 'Pretty-print JSON output (default when stdout is a terminal)'
complete -c discord -n "__fish_discord_using_subcommand man" -l compact -d 'Print JSON compactly on one line (default when stdout is not a terminal)'
complete -c discord -n "__fish_discord_using_subcommand man" -s r -l raw-output -d 'Print strings unquoted (with --jq, like jq -r)'
complete -c discord -n "__fish_discord_using_subcommand man" -s i -l include -d 'Print the response status line and headers to stderr'
complete -c discord -n "__fish_discord_using_subcommand man" -s v -l verbose -d 'Print the request line and headers (token redacted) and the response headers to stderr'
complete -c discord -n "__fish_discord_using_subcommand man" -l dry-run -d 'Print the request that would be sent (token redacted) and send nothing'
complete -c discord -n "__fish_discord_using_subcommand man" -l no-rate-limit-cache -d 'Keep rate-limit state to this process instead of sharing it with other invocations through the cache directory ($DISCORD_CACHE_DIR)'
complete -c discord -n "__fish_discord_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c discord -n "__fish_discord_using_subcommand listen" -l max-events -d 'Exit after printing N lines' -r
complete -c discord -n "__fish_discord_using_subcommand listen" -l large-threshold -d 'Member count above which offline members are left out of GUILD_CREATE (50-250)' -r
complete -c discord -n "__fish_discord_using_subcommand listen" -l status -d 'Presence status to show while connected' -r -f -a "online\t'Online'
idle\t'Idle'
dnd\t'Do not disturb'
invisible\t'Shown as offline'"
complete -c discord -n "__fish_discord_using_subcommand listen" -l activity -d 'Activity text shown as "Playing TEXT"' -r
complete -c discord -n "__fish_discord_using_subcommand listen" -l shard -d 'Run one shard, or a range of shards, of COUNT: ID/COUNT or FIRST-LAST/COUNT' -r
complete -c discord -n "__fish_discord_using_subcommand listen" -l shards -d 'Run every shard in this process: \'auto\' (the count Discord recommends) or a number' -r
complete -c discord -n "__fish_discord_using_subcommand listen" -l request-members -d 'Request every member of this guild once connected (repeatable); chunks arrive as GUILD_MEMBERS_CHUNK' -r
complete -c discord -n "__fish_discord_using_subcommand listen" -l intents -d 'Intents: comma list of names (see \'discord intents\'), numbers, all, unprivileged, none' -r -f -a "GUILDS\t''
GUILD_MEMBERS\t''
GUILD_MODERATION\t''
GUILD_EXPRESSIONS\t''
GUILD_INTEGRATIONS\t''
GUILD_WEBHOOKS\t''
GUILD_INVITES\t''
GUILD_VOICE_STATES\t''
GUILD_PRESENCES\t''
GUILD_MESSAGES\t''
GUILD_MESSAGE_REACTIONS\t''
GUILD_MESSAGE_TYPING\t''
DIRECT_MESSAGES\t''
DIRECT_MESSAGE_REACTIONS\t''
DIRECT_MESSAGE_TYPING\t''
MESSAGE_CONTENT\t''
GUILD_SCHEDULED_EVENTS\t''
AUTO_MODERATION_CONFIGURATION\t''
AUTO_MODERATION_EXECUTION\t''
GUILD_MESSAGE_POLLS\t''
DIRECT_MESSAGE_POLLS\t''
GUILD_BANS\t''
GUILD_EMOJIS\t''
GUILD_EMOJIS_AND_STICKERS\t''
all\t''
unprivileged\t''
none\t''"
complete -c discord -n "__fish_discord_using_subcommand listen" -l events -d 'Print only these dispatch types (comma list, e.g. MESSAGE_CREATE,MESSAGE_UPDATE)' -r -f -a "AUTO_MODERATION_ACTION_EXECUTION\t''
AUTO_MODERATION_RULE_CREATE\t''
AUTO_MODERATION_RULE_DELETE\t''
AUTO_MODERATION_RULE_UPDATE\t''
CHANNEL_CREATE\t''
CHANNEL_DELETE\t''
CHANNEL_PINS_UPDATE\t''
CHANNEL_UPDATE\t''
GUILD_AUDIT_LOG_ENTRY_CREATE\t''
GUILD_BAN_ADD\t''
GUILD_BAN_REMOVE\t''
GUILD_CREATE\t''
GUILD_DELETE\t''
GUILD_EMOJIS_UPDATE\t''
GUILD_INTEGRATIONS_UPDATE\t''
GUILD_MEMBER_ADD\t''
GUILD_MEMBER_REMOVE\t''
GUILD_MEMBER_UPDATE\t''
GUILD_ROLE_CREATE\t''
GUILD_ROLE_DELETE\t''
GUILD_ROLE_UPDATE\t''
GUILD_SCHEDULED_EVENT_CREATE\t''
GUILD_SCHEDULED_EVENT_DELETE\t''
GUILD_SCHEDULED_EVENT_UPDATE\t''
GUILD_SCHEDULED_EVENT_USER_ADD\t''
GUILD_SCHEDULED_EVENT_USER_REMOVE\t''
GUILD_SOUNDBOARD_SOUNDS_UPDATE\t''
GUILD_SOUNDBOARD_SOUND_CREATE\t''
GUILD_SOUNDBOARD_SOUND_DELETE\t''
GUILD_SOUNDBOARD_SOUND_UPDATE\t''
GUILD_STICKERS_UPDATE\t''
GUILD_UPDATE\t''
INTEGRATION_CREATE\t''
INTEGRATION_DELETE\t''
INTEGRATION_UPDATE\t''
INVITE_CREATE\t''
INVITE_DELETE\t''
MESSAGE_CREATE\t''
MESSAGE_DELETE\t''
MESSAGE_DELETE_BULK\t''
MESSAGE_POLL_VOTE_ADD\t''
MESSAGE_POLL_VOTE_REMOVE\t''
MESSAGE_REACTION_ADD\t''
MESSAGE_REACTION_REMOVE\t''
MESSAGE_REACTION_REMOVE_ALL\t''
MESSAGE_REACTION_REMOVE_EMOJI\t''
MESSAGE_UPDATE\t''
PRESENCE_UPDATE\t''
STAGE_INSTANCE_CREATE\t''
STAGE_INSTANCE_DELETE\t''
STAGE_INSTANCE_UPDATE\t''
THREAD_CREATE\t''
THREAD_DELETE\t''
THREAD_LIST_SYNC\t''
THREAD_MEMBERS_UPDATE\t''
THREAD_MEMBER_UPDATE\t''
THREAD_UPDATE\t''
TYPING_START\t''
VOICE_CHANNEL_EFFECT_SEND\t''
VOICE_CHANNEL_START_TIME_UPDATE\t''
VOICE_CHANNEL_STATUS_UPDATE\t''
VOICE_STATE_UPDATE\t''
WEBHOOKS_UPDATE\t''"
complete -c discord -n "__fish_discord_using_subcommand listen" -l token -d 'Bot token (or \'Bearer TOKEN\'); defaults to $DISCORD_TOKEN, then the config file' -r
complete -c discord -n "__fish_discord_using_subcommand listen" -l profile -d 'Profile in the config file to take the token from' -r
complete -c discord -n "__fish_discord_using_subcommand listen" -l api-url -d 'API base URL [default: https://discord.com/api/v10]' -r
complete -c discord -n "__fish_discord_using_subcommand listen" -l color -d 'When to colour output' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c discord -n "__fish_discord_using_subcommand listen" -l jq -d 'Filter every printed JSON value through a jq expression (jaq, built in)' -r
complete -c discord -n "__fish_discord_using_subcommand listen" -l connect-timeout -d 'Seconds to wait for a connection' -r
complete -c discord -n "__fish_discord_using_subcommand listen" -l timeout -d 'Seconds to wait for a whole request (0 for no limit)' -r
complete -c discord -n "__fish_discord_using_subcommand listen" -l max-wait -d 'Give up instead of waiting when a rate limit asks for a wait longer than SECS' -r
complete -c discord -n "__fish_discord_using_subcommand listen" -l compress -d 'Ask for zlib-stream transport compression'
complete -c discord -n "__fish_discord_using_subcommand listen" -l stdin -d 'Read gateway commands (JSON, one per line: ops 3, 4, 8, 31, 43) from stdin and send them'
complete -c discord -n "__fish_discord_using_subcommand listen" -l bearer -d 'Send the token as an OAuth2 bearer token instead of a bot token'
complete -c discord -n "__fish_discord_using_subcommand listen" -l sandbox -d 'Run against a private in-process sandbox instead of Discord (no token or network needed)'
complete -c discord -n "__fish_discord_using_subcommand listen" -l pretty -d 'Pretty-print JSON output (default when stdout is a terminal)'
complete -c discord -n "__fish_discord_using_subcommand listen" -l compact -d 'Print JSON compactly on one line (default when stdout is not a terminal)'
complete -c discord -n "__fish_discord_using_subcommand listen" -s r -l raw-output -d 'Print strings unquoted (with --jq, like jq -r)'
complete -c discord -n "__fish_discord_using_subcommand listen" -s i -l include -d 'Print the response status line and headers to stderr'
complete -c discord -n "__fish_discord_using_subcommand listen" -s v -l verbose -d 'Print the request line and headers (token redacted) and the response headers to stderr'
complete -c discord -n "__fish_discord_using_subcommand listen" -l dry-run -d 'Print the request that would be sent (token redacted) and send nothing'
complete -c discord -n "__fish_discord_using_subcommand listen" -l no-rate-limit-cache -d 'Keep rate-limit state to this process instead of sharing it with other invocations through the cache directory ($DISCORD_CACHE_DIR)'
complete -c discord -n "__fish_discord_using_subcommand listen" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c discord -n "__fish_discord_using_subcommand help; and not __fish_seen_subcommand_from get post put patch delete login logout sandbox intents batch completions man listen help" -f -a "get" -d 'Send a GET request to any API path'
complete -c discord -n "__fish_discord_using_subcommand help; and not __fish_seen_subcommand_from get post put patch delete login logout sandbox intents batch completions man listen help" -f -a "post" -d 'Send a POST request to any API path'
complete -c discord -n "__fish_discord_using_subcommand help; and not __fish_seen_subcommand_from get post put patch delete login logout sandbox intents batch completions man listen help" -f -a "put" -d 'Send a PUT request to any API path'
complete -c discord -n "__fish_discord_using_subcommand help; and not __fish_seen_subcommand_from get post put patch delete login logout sandbox intents batch completions man listen help" -f -a "patch" -d 'Send a PATCH request to any API path'
complete -c discord -n "__fish_discord_using_subcommand help; and not __fish_seen_subcommand_from get post put patch delete login logout sandbox intents batch completions man listen help" -f -a "delete" -d 'Send a DELETE request to any API path'
complete -c discord -n "__fish_discord_using_subcommand help; and not __fish_seen_subcommand_from get post put patch delete login logout sandbox intents batch completions man listen help" -f -a "login" -d 'Store a token in the config file (prompted with hidden input and checked first)'
complete -c discord -n "__fish_discord_using_subcommand help; and not __fish_seen_subcommand_from get post put patch delete login logout sandbox intents batch completions man listen help" -f -a "logout" -d 'Remove the stored token of a profile'
complete -c discord -n "__fish_discord_using_subcommand help; and not __fish_seen_subcommand_from get post put patch delete login logout sandbox intents batch completions man listen help" -f -a "sandbox" -d 'Run a local, stateful stand-in for Discord\'s REST API and gateway'
complete -c discord -n "__fish_discord_using_subcommand help; and not __fish_seen_subcommand_from get post put patch delete login logout sandbox intents batch completions man listen help" -f -a "intents" -d 'List the gateway intents: name, value, privileged or not, and the events each carries'
complete -c discord -n "__fish_discord_using_subcommand help; and not __fish_seen_subcommand_from get post put patch delete login logout sandbox intents batch completions man listen help" -f -a "batch" -d 'Run JSON request lines from stdin concurrently; one JSON result line each, in input order'
complete -c discord -n "__fish_discord_using_subcommand help; and not __fish_seen_subcommand_from get post put patch delete login logout sandbox intents batch completions man listen help" -f -a "completions" -d 'Print a shell completion script (bash, zsh, fish, elvish, powershell)'
complete -c discord -n "__fish_discord_using_subcommand help; and not __fish_seen_subcommand_from get post put patch delete login logout sandbox intents batch completions man listen help" -f -a "man" -d 'Write man pages (discord.1 and one per subcommand) into a folder'
complete -c discord -n "__fish_discord_using_subcommand help; and not __fish_seen_subcommand_from get post put patch delete login logout sandbox intents batch completions man listen help" -f -a "listen" -d 'Stream gateway events as JSON lines, one per dispatch'
complete -c discord -n "__fish_discord_using_subcommand help; and not __fish_seen_subcommand_from get post put patch delete login logout sandbox intents batch completions man listen help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
