
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'discord' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'discord'
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
        'discord' {
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bot token (or ''Bearer TOKEN''); defaults to $DISCORD_TOKEN, then the config file')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile in the config file to take the token from')
            [CompletionResult]::new('--api-url', '--api-url', [CompletionResultType]::ParameterName, 'API base URL [default: https://discord.com/api/v10]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter every printed JSON value through a jq expression (jaq, built in)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a whole request (0 for no limit)')
            [CompletionResult]::new('--max-wait', '--max-wait', [CompletionResultType]::ParameterName, 'Give up instead of waiting when a rate limit asks for a wait longer than SECS')
            [CompletionResult]::new('--bearer', '--bearer', [CompletionResultType]::ParameterName, 'Send the token as an OAuth2 bearer token instead of a bot token')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a private in-process sandbox instead of Discord (no token or network needed)')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON output (default when stdout is a terminal)')
            [CompletionResult]::new('--compact', '--compact', [CompletionResultType]::ParameterName, 'Print JSON compactly on one line (default when stdout is not a terminal)')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Print strings unquoted (with --jq, like jq -r)')
            [CompletionResult]::new('--raw-output', '--raw-output', [CompletionResultType]::ParameterName, 'Print strings unquoted (with --jq, like jq -r)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Print the response status line and headers to stderr')
            [CompletionResult]::new('--include', '--include', [CompletionResultType]::ParameterName, 'Print the response status line and headers to stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the request line and headers (token redacted) and the response headers to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the request line and headers (token redacted) and the response headers to stderr')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the request that would be sent (token redacted) and send nothing')
            [CompletionResult]::new('--no-rate-limit-cache', '--no-rate-limit-cache', [CompletionResultType]::ParameterName, 'Keep rate-limit state to this process instead of sharing it with other invocations through the cache directory ($DISCORD_CACHE_DIR)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Send a GET request to any API path')
            [CompletionResult]::new('post', 'post', [CompletionResultType]::ParameterValue, 'Send a POST request to any API path')
            [CompletionResult]::new('put', 'put', [CompletionResultType]::ParameterValue, 'Send a PUT request to any API path')
            [CompletionResult]::new('patch', 'patch', [CompletionResultType]::ParameterValue, 'Send a PATCH request to any API path')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Send a DELETE request to any API path')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Store a token in the config file (prompted with hidden input and checked first)')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Remove the stored token of a profile')
            [CompletionResult]::new('sandbox', 'sandbox', [CompletionResultType]::ParameterValue, 'Run a local, stateful stand-in for Discord''s REST API and gateway')
            [CompletionResult]::new('intents', 'intents', [CompletionResultType]::ParameterValue, 'List the gateway intents: name, value, privileged or not, and the events each carries')
            [CompletionResult]::new('batch', 'batch', [CompletionResultType]::ParameterValue, 'Run JSON request lines from stdin concurrently; one JSON result line each, in input order')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script (bash, zsh, fish, elvish, powershell)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write man pages (discord.1 and one per subcommand) into a folder')
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Stream gateway events as JSON lines, one per dispatch')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'discord;get' {
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Request body from a string, @file or @- for stdin')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'String field: key=value (nested keys: embeds[0][title]=Hi, tags[]=a)')
            [CompletionResult]::new('--raw-field', '--raw-field', [CompletionResultType]::ParameterName, 'String field: key=value (nested keys: embeds[0][title]=Hi, tags[]=a)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Typed field: numbers, true/false/null, JSON arrays/objects, @file for a file''s contents')
            [CompletionResult]::new('--field', '--field', [CompletionResultType]::ParameterName, 'Typed field: numbers, true/false/null, JSON arrays/objects, @file for a file''s contents')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Query parameter key=value (repeatable)')
            [CompletionResult]::new('--query', '--query', [CompletionResultType]::ParameterName, 'Query parameter key=value (repeatable)')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Extra header ''Name: value'' (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra header ''Name: value'' (repeatable)')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Audit log reason (sent as X-Audit-Log-Reason)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Attach a file (repeatable); sends multipart/form-data with payload_json')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bot token (or ''Bearer TOKEN''); defaults to $DISCORD_TOKEN, then the config file')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile in the config file to take the token from')
            [CompletionResult]::new('--api-url', '--api-url', [CompletionResultType]::ParameterName, 'API base URL [default: https://discord.com/api/v10]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter every printed JSON value through a jq expression (jaq, built in)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a whole request (0 for no limit)')
            [CompletionResult]::new('--max-wait', '--max-wait', [CompletionResultType]::ParameterName, 'Give up instead of waiting when a rate limit asks for a wait longer than SECS')
            [CompletionResult]::new('--paginate', '--paginate', [CompletionResultType]::ParameterName, 'Follow before/after pages to the end and print every item once, as one JSON array')
            [CompletionResult]::new('--lines', '--lines', [CompletionResultType]::ParameterName, 'With --paginate: print one item per line, streaming')
            [CompletionResult]::new('--bearer', '--bearer', [CompletionResultType]::ParameterName, 'Send the token as an OAuth2 bearer token instead of a bot token')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a private in-process sandbox instead of Discord (no token or network needed)')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON output (default when stdout is a terminal)')
            [CompletionResult]::new('--compact', '--compact', [CompletionResultType]::ParameterName, 'Print JSON compactly on one line (default when stdout is not a terminal)')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Print strings unquoted (with --jq, like jq -r)')
            [CompletionResult]::new('--raw-output', '--raw-output', [CompletionResultType]::ParameterName, 'Print strings unquoted (with --jq, like jq -r)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Print the response status line and headers to stderr')
            [CompletionResult]::new('--include', '--include', [CompletionResultType]::ParameterName, 'Print the response status line and headers to stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the request line and headers (token redacted) and the response headers to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the request line and headers (token redacted) and the response headers to stderr')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the request that would be sent (token redacted) and send nothing')
            [CompletionResult]::new('--no-rate-limit-cache', '--no-rate-limit-cache', [CompletionResultType]::ParameterName, 'Keep rate-limit state to this process instead of sharing it with other invocations through the cache directory ($DISCORD_CACHE_DIR)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'discord;post' {
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Request body from a string, @file or @- for stdin')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'String field: key=value (nested keys: embeds[0][title]=Hi, tags[]=a)')
            [CompletionResult]::new('--raw-field', '--raw-field', [CompletionResultType]::ParameterName, 'String field: key=value (nested keys: embeds[0][title]=Hi, tags[]=a)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Typed field: numbers, true/false/null, JSON arrays/objects, @file for a file''s contents')
            [CompletionResult]::new('--field', '--field', [CompletionResultType]::ParameterName, 'Typed field: numbers, true/false/null, JSON arrays/objects, @file for a file''s contents')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Query parameter key=value (repeatable)')
            [CompletionResult]::new('--query', '--query', [CompletionResultType]::ParameterName, 'Query parameter key=value (repeatable)')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Extra header ''Name: value'' (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra header ''Name: value'' (repeatable)')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Audit log reason (sent as X-Audit-Log-Reason)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Attach a file (repeatable); sends multipart/form-data with payload_json')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bot token (or ''Bearer TOKEN''); defaults to $DISCORD_TOKEN, then the config file')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile in the config file to take the token from')
            [CompletionResult]::new('--api-url', '--api-url', [CompletionResultType]::ParameterName, 'API base URL [default: https://discord.com/api/v10]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter every printed JSON value through a jq expression (jaq, built in)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a whole request (0 for no limit)')
            [CompletionResult]::new('--max-wait', '--max-wait', [CompletionResultType]::ParameterName, 'Give up instead of waiting when a rate limit asks for a wait longer than SECS')
            [CompletionResult]::new('--paginate', '--paginate', [CompletionResultType]::ParameterName, 'Follow before/after pages to the end and print every item once, as one JSON array')
            [CompletionResult]::new('--lines', '--lines', [CompletionResultType]::ParameterName, 'With --paginate: print one item per line, streaming')
            [CompletionResult]::new('--bearer', '--bearer', [CompletionResultType]::ParameterName, 'Send the token as an OAuth2 bearer token instead of a bot token')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a private in-process sandbox instead of Discord (no token or network needed)')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON output (default when stdout is a terminal)')
            [CompletionResult]::new('--compact', '--compact', [CompletionResultType]::ParameterName, 'Print JSON compactly on one line (default when stdout is not a terminal)')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Print strings unquoted (with --jq, like jq -r)')
            [CompletionResult]::new('--raw-output', '--raw-output', [CompletionResultType]::ParameterName, 'Print strings unquoted (with --jq, like jq -r)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Print the response status line and headers to stderr')
            [CompletionResult]::new('--include', '--include', [CompletionResultType]::ParameterName, 'Print the response status line and headers to stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the request line and headers (token redacted) and the response headers to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the request line and headers (token redacted) and the response headers to stderr')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the request that would be sent (token redacted) and send nothing')
            [CompletionResult]::new('--no-rate-limit-cache', '--no-rate-limit-cache', [CompletionResultType]::ParameterName, 'Keep rate-limit state to this process instead of sharing it with other invocations through the cache directory ($DISCORD_CACHE_DIR)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'discord;put' {
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Request body from a string, @file or @- for stdin')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'String field: key=value (nested keys: embeds[0][title]=Hi, tags[]=a)')
            [CompletionResult]::new('--raw-field', '--raw-field', [CompletionResultType]::ParameterName, 'String field: key=value (nested keys: embeds[0][title]=Hi, tags[]=a)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Typed field: numbers, true/false/null, JSON arrays/objects, @file for a file''s contents')
            [CompletionResult]::new('--field', '--field', [CompletionResultType]::ParameterName, 'Typed field: numbers, true/false/null, JSON arrays/objects, @file for a file''s contents')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Query parameter key=value (repeatable)')
            [CompletionResult]::new('--query', '--query', [CompletionResultType]::ParameterName, 'Query parameter key=value (repeatable)')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Extra header ''Name: value'' (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra header ''Name: value'' (repeatable)')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Audit log reason (sent as X-Audit-Log-Reason)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Attach a file (repeatable); sends multipart/form-data with payload_json')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bot token (or ''Bearer TOKEN''); defaults to $DISCORD_TOKEN, then the config file')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile in the config file to take the token from')
            [CompletionResult]::new('--api-url', '--api-url', [CompletionResultType]::ParameterName, 'API base URL [default: https://discord.com/api/v10]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter every printed JSON value through a jq expression (jaq, built in)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a whole request (0 for no limit)')
            [CompletionResult]::new('--max-wait', '--max-wait', [CompletionResultType]::ParameterName, 'Give up instead of waiting when a rate limit asks for a wait longer than SECS')
            [CompletionResult]::new('--paginate', '--paginate', [CompletionResultType]::ParameterName, 'Follow before/after pages to the end and print every item once, as one JSON array')
            [CompletionResult]::new('--lines', '--lines', [CompletionResultType]::ParameterName, 'With --paginate: print one item per line, streaming')
            [CompletionResult]::new('--bearer', '--bearer', [CompletionResultType]::ParameterName, 'Send the token as an OAuth2 bearer token instead of a bot token')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a private in-process sandbox instead of Discord (no token or network needed)')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON output (default when stdout is a terminal)')
            [CompletionResult]::new('--compact', '--compact', [CompletionResultType]::ParameterName, 'Print JSON compactly on one line (default when stdout is not a terminal)')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Print strings unquoted (with --jq, like jq -r)')
            [CompletionResult]::new('--raw-output', '--raw-output', [CompletionResultType]::ParameterName, 'Print strings unquoted (with --jq, like jq -r)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Print the response status line and headers to stderr')
            [CompletionResult]::new('--include', '--include', [CompletionResultType]::ParameterName, 'Print the response status line and headers to stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the request line and headers (token redacted) and the response headers to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the request line and headers (token redacted) and the response headers to stderr')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the request that would be sent (token redacted) and send nothing')
            [CompletionResult]::new('--no-rate-limit-cache', '--no-rate-limit-cache', [CompletionResultType]::ParameterName, 'Keep rate-limit state to this process instead of sharing it with other invocations through the cache directory ($DISCORD_CACHE_DIR)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'discord;patch' {
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Request body from a string, @file or @- for stdin')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'String field: key=value (nested keys: embeds[0][title]=Hi, tags[]=a)')
            [CompletionResult]::new('--raw-field', '--raw-field', [CompletionResultType]::ParameterName, 'String field: key=value (nested keys: embeds[0][title]=Hi, tags[]=a)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Typed field: numbers, true/false/null, JSON arrays/objects, @file for a file''s contents')
            [CompletionResult]::new('--field', '--field', [CompletionResultType]::ParameterName, 'Typed field: numbers, true/false/null, JSON arrays/objects, @file for a file''s contents')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Query parameter key=value (repeatable)')
            [CompletionResult]::new('--query', '--query', [CompletionResultType]::ParameterName, 'Query parameter key=value (repeatable)')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Extra header ''Name: value'' (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra header ''Name: value'' (repeatable)')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Audit log reason (sent as X-Audit-Log-Reason)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Attach a file (repeatable); sends multipart/form-data with payload_json')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bot token (or ''Bearer TOKEN''); defaults to $DISCORD_TOKEN, then the config file')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile in the config file to take the token from')
            [CompletionResult]::new('--api-url', '--api-url', [CompletionResultType]::ParameterName, 'API base URL [default: https://discord.com/api/v10]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter every printed JSON value through a jq expression (jaq, built in)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a whole request (0 for no limit)')
            [CompletionResult]::new('--max-wait', '--max-wait', [CompletionResultType]::ParameterName, 'Give up instead of waiting when a rate limit asks for a wait longer than SECS')
            [CompletionResult]::new('--paginate', '--paginate', [CompletionResultType]::ParameterName, 'Follow before/after pages to the end and print every item once, as one JSON array')
            [CompletionResult]::new('--lines', '--lines', [CompletionResultType]::ParameterName, 'With --paginate: print one item per line, streaming')
            [CompletionResult]::new('--bearer', '--bearer', [CompletionResultType]::ParameterName, 'Send the token as an OAuth2 bearer token instead of a bot token')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a private in-process sandbox instead of Discord (no token or network needed)')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON output (default when stdout is a terminal)')
            [CompletionResult]::new('--compact', '--compact', [CompletionResultType]::ParameterName, 'Print JSON compactly on one line (default when stdout is not a terminal)')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Print strings unquoted (with --jq, like jq -r)')
            [CompletionResult]::new('--raw-output', '--raw-output', [CompletionResultType]::ParameterName, 'Print strings unquoted (with --jq, like jq -r)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Print the response status line and headers to stderr')
            [CompletionResult]::new('--include', '--include', [CompletionResultType]::ParameterName, 'Print the response status line and headers to stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the request line and headers (token redacted) and the response headers to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the request line and headers (token redacted) and the response headers to stderr')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the request that would be sent (token redacted) and send nothing')
            [CompletionResult]::new('--no-rate-limit-cache', '--no-rate-limit-cache', [CompletionResultType]::ParameterName, 'Keep rate-limit state to this process instead of sharing it with other invocations through the cache directory ($DISCORD_CACHE_DIR)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'discord;delete' {
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Request body from a string, @file or @- for stdin')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'String field: key=value (nested keys: embeds[0][title]=Hi, tags[]=a)')
            [CompletionResult]::new('--raw-field', '--raw-field', [CompletionResultType]::ParameterName, 'String field: key=value (nested keys: embeds[0][title]=Hi, tags[]=a)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Typed field: numbers, true/false/null, JSON arrays/objects, @file for a file''s contents')
            [CompletionResult]::new('--field', '--field', [CompletionResultType]::ParameterName, 'Typed field: numbers, true/false/null, JSON arrays/objects, @file for a file''s contents')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Query parameter key=value (repeatable)')
            [CompletionResult]::new('--query', '--query', [CompletionResultType]::ParameterName, 'Query parameter key=value (repeatable)')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Extra header ''Name: value'' (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra header ''Name: value'' (repeatable)')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Audit log reason (sent as X-Audit-Log-Reason)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Attach a file (repeatable); sends multipart/form-data with payload_json')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bot token (or ''Bearer TOKEN''); defaults to $DISCORD_TOKEN, then the config file')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile in the config file to take the token from')
            [CompletionResult]::new('--api-url', '--api-url', [CompletionResultType]::ParameterName, 'API base URL [default: https://discord.com/api/v10]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter every printed JSON value through a jq expression (jaq, built in)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a whole request (0 for no limit)')
            [CompletionResult]::new('--max-wait', '--max-wait', [CompletionResultType]::ParameterName, 'Give up instead of waiting when a rate limit asks for a wait longer than SECS')
            [CompletionResult]::new('--paginate', '--paginate', [CompletionResultType]::ParameterName, 'Follow before/after pages to the end and print every item once, as one JSON array')
            [CompletionResult]::new('--lines', '--lines', [CompletionResultType]::ParameterName, 'With --paginate: print one item per line, streaming')
            [CompletionResult]::new('--bearer', '--bearer', [CompletionResultType]::ParameterName, 'Send the token as an OAuth2 bearer token instead of a bot token')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a private in-process sandbox instead of Discord (no token or network needed)')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON output (default when stdout is a terminal)')
            [CompletionResult]::new('--compact', '--compact', [CompletionResultType]::ParameterName, 'Print JSON compactly on one line (default when stdout is not a terminal)')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Print strings unquoted (with --jq, like jq -r)')
            [CompletionResult]::new('--raw-output', '--raw-output', [CompletionResultType]::ParameterName, 'Print strings unquoted (with --jq, like jq -r)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Print the response status line and headers to stderr')
            [CompletionResult]::new('--include', '--include', [CompletionResultType]::ParameterName, 'Print the response status line and headers to stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the request line and headers (token redacted) and the response headers to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the request line and headers (token redacted) and the response headers to stderr')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the request that would be sent (token redacted) and send nothing')
            [CompletionResult]::new('--no-rate-limit-cache', '--no-rate-limit-cache', [CompletionResultType]::ParameterName, 'Keep rate-limit state to this process instead of sharing it with other invocations through the cache directory ($DISCORD_CACHE_DIR)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'discord;login' {
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bot token (or ''Bearer TOKEN''); defaults to $DISCORD_TOKEN, then the config file')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile in the config file to take the token from')
            [CompletionResult]::new('--api-url', '--api-url', [CompletionResultType]::ParameterName, 'API base URL [default: https://discord.com/api/v10]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter every printed JSON value through a jq expression (jaq, built in)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a whole request (0 for no limit)')
            [CompletionResult]::new('--max-wait', '--max-wait', [CompletionResultType]::ParameterName, 'Give up instead of waiting when a rate limit asks for a wait longer than SECS')
            [CompletionResult]::new('--with-token', '--with-token', [CompletionResultType]::ParameterName, 'Read the token from stdin instead of prompting')
            [CompletionResult]::new('--bearer', '--bearer', [CompletionResultType]::ParameterName, 'Send the token as an OAuth2 bearer token instead of a bot token')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a private in-process sandbox instead of Discord (no token or network needed)')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON output (default when stdout is a terminal)')
            [CompletionResult]::new('--compact', '--compact', [CompletionResultType]::ParameterName, 'Print JSON compactly on one line (default when stdout is not a terminal)')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Print strings unquoted (with --jq, like jq -r)')
            [CompletionResult]::new('--raw-output', '--raw-output', [CompletionResultType]::ParameterName, 'Print strings unquoted (with --jq, like jq -r)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Print the response status line and headers to stderr')
            [CompletionResult]::new('--include', '--include', [CompletionResultType]::ParameterName, 'Print the response status line and headers to stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the request line and headers (token redacted) and the response headers to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the request line and headers (token redacted) and the response headers to stderr')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the request that would be sent (token redacted) and send nothing')
            [CompletionResult]::new('--no-rate-limit-cache', '--no-rate-limit-cache', [CompletionResultType]::ParameterName, 'Keep rate-limit state to this process instead of sharing it with other invocations through the cache directory ($DISCORD_CACHE_DIR)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'discord;logout' {
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bot token (or ''Bearer TOKEN''); defaults to $DISCORD_TOKEN, then the config file')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile in the config file to take the token from')
            [CompletionResult]::new('--api-url', '--api-url', [CompletionResultType]::ParameterName, 'API base URL [default: https://discord.com/api/v10]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter every printed JSON value through a jq expression (jaq, built in)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a whole request (0 for no limit)')
            [CompletionResult]::new('--max-wait', '--max-wait', [CompletionResultType]::ParameterName, 'Give up instead of waiting when a rate limit asks for a wait longer than SECS')
            [CompletionResult]::new('--bearer', '--bearer', [CompletionResultType]::ParameterName, 'Send the token as an OAuth2 bearer token instead of a bot token')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a private in-process sandbox instead of Discord (no token or network needed)')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON output (default when stdout is a terminal)')
            [CompletionResult]::new('--compact', '--compact', [CompletionResultType]::ParameterName, 'Print JSON compactly on one line (default when stdout is not a terminal)')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Print strings unquoted (with --jq, like jq -r)')
            [CompletionResult]::new('--raw-output', '--raw-output', [CompletionResultType]::ParameterName, 'Print strings unquoted (with --jq, like jq -r)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Print the response status line and headers to stderr')
            [CompletionResult]::new('--include', '--include', [CompletionResultType]::ParameterName, 'Print the response status line and headers to stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the request line and headers (token redacted) and the response headers to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the request line and headers (token redacted) and the response headers to stderr')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the request that would be sent (token redacted) and send nothing')
            [CompletionResult]::new('--no-rate-limit-cache', '--no-rate-limit-cache', [CompletionResultType]::ParameterName, 'Keep rate-limit state to this process instead of sharing it with other invocations through the cache directory ($DISCORD_CACHE_DIR)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'discord;sandbox' {
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port to listen on (default: a free port)')
            [CompletionResult]::new('--rate-limit-scale', '--rate-limit-scale', [CompletionResultType]::ParameterName, 'Multiply every rate-limit window by FACTOR (1 = Discord''s; smaller makes tests faster)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bot token (or ''Bearer TOKEN''); defaults to $DISCORD_TOKEN, then the config file')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile in the config file to take the token from')
            [CompletionResult]::new('--api-url', '--api-url', [CompletionResultType]::ParameterName, 'API base URL [default: https://discord.com/api/v10]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter every printed JSON value through a jq expression (jaq, built in)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a whole request (0 for no limit)')
            [CompletionResult]::new('--max-wait', '--max-wait', [CompletionResultType]::ParameterName, 'Give up instead of waiting when a rate limit asks for a wait longer than SECS')
            [CompletionResult]::new('--no-rate-limits', '--no-rate-limits', [CompletionResultType]::ParameterName, 'Do not enforce rate limits at all')
            [CompletionResult]::new('--bearer', '--bearer', [CompletionResultType]::ParameterName, 'Send the token as an OAuth2 bearer token instead of a bot token')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a private in-process sandbox instead of Discord (no token or network needed)')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON output (default when stdout is a terminal)')
            [CompletionResult]::new('--compact', '--compact', [CompletionResultType]::ParameterName, 'Print JSON compactly on one line (default when stdout is not a terminal)')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Print strings unquoted (with --jq, like jq -r)')
            [CompletionResult]::new('--raw-output', '--raw-output', [CompletionResultType]::ParameterName, 'Print strings unquoted (with --jq, like jq -r)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Print the response status line and headers to stderr')
            [CompletionResult]::new('--include', '--include', [CompletionResultType]::ParameterName, 'Print the response status line and headers to stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the request line and headers (token redacted) and the response headers to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the request line and headers (token redacted) and the response headers to stderr')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the request that would be sent (token redacted) and send nothing')
            [CompletionResult]::new('--no-rate-limit-cache', '--no-rate-limit-cache', [CompletionResultType]::ParameterName, 'Keep rate-limit state to this process instead of sharing it with other invocations through the cache directory ($DISCORD_CACHE_DIR)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'discord;intents' {
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bot token (or ''Bearer TOKEN''); defaults to $DISCORD_TOKEN, then the config file')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile in the config file to take the token from')
            [CompletionResult]::new('--api-url', '--api-url', [CompletionResultType]::ParameterName, 'API base URL [default: https://discord.com/api/v10]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter every printed JSON value through a jq expression (jaq, built in)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a whole request (0 for no limit)')
            [CompletionResult]::new('--max-wait', '--max-wait', [CompletionResultType]::ParameterName, 'Give up instead of waiting when a rate limit asks for a wait longer than SECS')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (one object per intent) instead of a table')
            [CompletionResult]::new('--bearer', '--bearer', [CompletionResultType]::ParameterName, 'Send the token as an OAuth2 bearer token instead of a bot token')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a private in-process sandbox instead of Discord (no token or network needed)')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON output (default when stdout is a terminal)')
            [CompletionResult]::new('--compact', '--compact', [CompletionResultType]::ParameterName, 'Print JSON compactly on one line (default when stdout is not a terminal)')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Print strings unquoted (with --jq, like jq -r)')
            [CompletionResult]::new('--raw-output', '--raw-output', [CompletionResultType]::ParameterName, 'Print strings unquoted (with --jq, like jq -r)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Print the response status line and headers to stderr')
            [CompletionResult]::new('--include', '--include', [CompletionResultType]::ParameterName, 'Print the response status line and headers to stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the request line and headers (token redacted) and the response headers to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the request line and headers (token redacted) and the response headers to stderr')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the request that would be sent (token redacted) and send nothing')
            [CompletionResult]::new('--no-rate-limit-cache', '--no-rate-limit-cache', [CompletionResultType]::ParameterName, 'Keep rate-limit state to this process instead of sharing it with other invocations through the cache directory ($DISCORD_CACHE_DIR)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'discord;batch' {
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Requests in flight at once (all share one rate limiter)')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Requests in flight at once (all share one rate limiter)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bot token (or ''Bearer TOKEN''); defaults to $DISCORD_TOKEN, then the config file')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile in the config file to take the token from')
            [CompletionResult]::new('--api-url', '--api-url', [CompletionResultType]::ParameterName, 'API base URL [default: https://discord.com/api/v10]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter every printed JSON value through a jq expression (jaq, built in)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a whole request (0 for no limit)')
            [CompletionResult]::new('--max-wait', '--max-wait', [CompletionResultType]::ParameterName, 'Give up instead of waiting when a rate limit asks for a wait longer than SECS')
            [CompletionResult]::new('--fail-fast', '--fail-fast', [CompletionResultType]::ParameterName, 'Stop starting requests after the first failure')
            [CompletionResult]::new('--bearer', '--bearer', [CompletionResultType]::ParameterName, 'Send the token as an OAuth2 bearer token instead of a bot token')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a private in-process sandbox instead of Discord (no token or network needed)')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON output (default when stdout is a terminal)')
            [CompletionResult]::new('--compact', '--compact', [CompletionResultType]::ParameterName, 'Print JSON compactly on one line (default when stdout is not a terminal)')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Print strings unquoted (with --jq, like jq -r)')
            [CompletionResult]::new('--raw-output', '--raw-output', [CompletionResultType]::ParameterName, 'Print strings unquoted (with --jq, like jq -r)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Print the response status line and headers to stderr')
            [CompletionResult]::new('--include', '--include', [CompletionResultType]::ParameterName, 'Print the response status line and headers to stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the request line and headers (token redacted) and the response headers to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the request line and headers (token redacted) and the response headers to stderr')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the request that would be sent (token redacted) and send nothing')
            [CompletionResult]::new('--no-rate-limit-cache', '--no-rate-limit-cache', [CompletionResultType]::ParameterName, 'Keep rate-limit state to this process instead of sharing it with other invocations through the cache directory ($DISCORD_CACHE_DIR)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'discord;completions' {
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bot token (or ''Bearer TOKEN''); defaults to $DISCORD_TOKEN, then the config file')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile in the config file to take the token from')
            [CompletionResult]::new('--api-url', '--api-url', [CompletionResultType]::ParameterName, 'API base URL [default: https://discord.com/api/v10]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter every printed JSON value through a jq expression (jaq, built in)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a whole request (0 for no limit)')
            [CompletionResult]::new('--max-wait', '--max-wait', [CompletionResultType]::ParameterName, 'Give up instead of waiting when a rate limit asks for a wait longer than SECS')
            [CompletionResult]::new('--bearer', '--bearer', [CompletionResultType]::ParameterName, 'Send the token as an OAuth2 bearer token instead of a bot token')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a private in-process sandbox instead of Discord (no token or network needed)')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON output (default when stdout is a terminal)')
            [CompletionResult]::new('--compact', '--compact', [CompletionResultType]::ParameterName, 'Print JSON compactly on one line (default when stdout is not a terminal)')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Print strings unquoted (with --jq, like jq -r)')
            [CompletionResult]::new('--raw-output', '--raw-output', [CompletionResultType]::ParameterName, 'Print strings unquoted (with --jq, like jq -r)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Print the response status line and headers to stderr')
            [CompletionResult]::new('--include', '--include', [CompletionResultType]::ParameterName, 'Print the response status line and headers to stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the request line and headers (token redacted) and the response headers to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the request line and headers (token redacted) and the response headers to stderr')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the request that would be sent (token redacted) and send nothing')
            [CompletionResult]::new('--no-rate-limit-cache', '--no-rate-limit-cache', [CompletionResultType]::ParameterName, 'Keep rate-limit state to this process instead of sharing it with other invocations through the cache directory ($DISCORD_CACHE_DIR)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'discord;man' {
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bot token (or ''Bearer TOKEN''); defaults to $DISCORD_TOKEN, then the config file')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile in the config file to take the token from')
            [CompletionResult]::new('--api-url', '--api-url', [CompletionResultType]::ParameterName, 'API base URL [default: https://discord.com/api/v10]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter every printed JSON value through a jq expression (jaq, built in)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a whole request (0 for no limit)')
            [CompletionResult]::new('--max-wait', '--max-wait', [CompletionResultType]::ParameterName, 'Give up instead of waiting when a rate limit asks for a wait longer than SECS')
            [CompletionResult]::new('--bearer', '--bearer', [CompletionResultType]::ParameterName, 'Send the token as an OAuth2 bearer token instead of a bot token')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a private in-process sandbox instead of Discord (no token or network needed)')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON output (default when stdout is a terminal)')
            [CompletionResult]::new('--compact', '--compact', [CompletionResultType]::ParameterName, 'Print JSON compactly on one line (default when stdout is not a terminal)')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Print strings unquoted (with --jq, like jq -r)')
            [CompletionResult]::new('--raw-output', '--raw-output', [CompletionResultType]::ParameterName, 'Print strings unquoted (with --jq, like jq -r)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Print the response status line and headers to stderr')
            [CompletionResult]::new('--include', '--include', [CompletionResultType]::ParameterName, 'Print the response status line and headers to stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the request line and headers (token redacted) and the response headers to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the request line and headers (token redacted) and the response headers to stderr')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the request that would be sent (token redacted) and send nothing')
            [CompletionResult]::new('--no-rate-limit-cache', '--no-rate-limit-cache', [CompletionResultType]::ParameterName, 'Keep rate-limit state to this process instead of sharing it with other invocations through the cache directory ($DISCORD_CACHE_DIR)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'discord;listen' {
            [CompletionResult]::new('--max-events', '--max-events', [CompletionResultType]::ParameterName, 'Exit after printing N lines')
            [CompletionResult]::new('--large-threshold', '--large-threshold', [CompletionResultType]::ParameterName, 'Member count above which offline members are left out of GUILD_CREATE (50-250)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Presence status to show while connected')
            [CompletionResult]::new('--activity', '--activity', [CompletionResultType]::ParameterName, 'Activity text shown as "Playing TEXT"')
            [CompletionResult]::new('--shard', '--shard', [CompletionResultType]::ParameterName, 'Run one shard, or a range of shards, of COUNT: ID/COUNT or FIRST-LAST/COUNT')
            [CompletionResult]::new('--shards', '--shards', [CompletionResultType]::ParameterName, 'Run every shard in this process: ''auto'' (the count Discord recommends) or a number')
            [CompletionResult]::new('--request-members', '--request-members', [CompletionResultType]::ParameterName, 'Request every member of this guild once connected (repeatable); chunks arrive as GUILD_MEMBERS_CHUNK')
            [CompletionResult]::new('--intents', '--intents', [CompletionResultType]::ParameterName, 'Intents: comma list of names (see ''discord intents''), numbers, all, unprivileged, none')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, 'Print only these dispatch types (comma list, e.g. MESSAGE_CREATE,MESSAGE_UPDATE)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bot token (or ''Bearer TOKEN''); defaults to $DISCORD_TOKEN, then the config file')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile in the config file to take the token from')
            [CompletionResult]::new('--api-url', '--api-url', [CompletionResultType]::ParameterName, 'API base URL [default: https://discord.com/api/v10]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter every printed JSON value through a jq expression (jaq, built in)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a whole request (0 for no limit)')
            [CompletionResult]::new('--max-wait', '--max-wait', [CompletionResultType]::ParameterName, 'Give up instead of waiting when a rate limit asks for a wait longer than SECS')
            [CompletionResult]::new('--compress', '--compress', [CompletionResultType]::ParameterName, 'Ask for zlib-stream transport compression')
            [CompletionResult]::new('--stdin', '--stdin', [CompletionResultType]::ParameterName, 'Read gateway commands (JSON, one per line: ops 3, 4, 8, 31, 43) from stdin and send them')
            [CompletionResult]::new('--bearer', '--bearer', [CompletionResultType]::ParameterName, 'Send the token as an OAuth2 bearer token instead of a bot token')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a private in-process sandbox instead of Discord (no token or network needed)')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON output (default when stdout is a terminal)')
            [CompletionResult]::new('--compact', '--compact', [CompletionResultType]::ParameterName, 'Print JSON compactly on one line (default when stdout is not a terminal)')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Print strings unquoted (with --jq, like jq -r)')
            [CompletionResult]::new('--raw-output', '--raw-output', [CompletionResultType]::ParameterName, 'Print strings unquoted (with --jq, like jq -r)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Print the response status line and headers to stderr')
            [CompletionResult]::new('--include', '--include', [CompletionResultType]::ParameterName, 'Print the response status line and headers to stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the request line and headers (token redacted) and the response headers to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the request line and headers (token redacted) and the response headers to stderr')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the request that would be sent (token redacted) and send nothing')
            [CompletionResult]::new('--no-rate-limit-cache', '--no-rate-limit-cache', [CompletionResultType]::ParameterName, 'Keep rate-limit state to this process instead of sharing it with other invocations through the cache directory ($DISCORD_CACHE_DIR)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'discord;help' {
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Send a GET request to any API path')
            [CompletionResult]::new('post', 'post', [CompletionResultType]::ParameterValue, 'Send a POST request to any API path')
            [CompletionResult]::new('put', 'put', [CompletionResultType]::ParameterValue, 'Send a PUT request to any API path')
            [CompletionResult]::new('patch', 'patch', [CompletionResultType]::ParameterValue, 'Send a PATCH request to any API path')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Send a DELETE request to any API path')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Store a token in the config file (prompted with hidden input and checked first)')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Remove the stored token of a profile')
            [CompletionResult]::new('sandbox', 'sandbox', [CompletionResultType]::ParameterValue, 'Run a local, stateful stand-in for Discord''s REST API and gateway')
            [CompletionResult]::new('intents', 'intents', [CompletionResultType]::ParameterValue, 'List the gateway intents: name, value, privileged or not, and the events each carries')
            [CompletionResult]::new('batch', 'batch', [CompletionResultType]::ParameterValue, 'Run JSON request lines from stdin concurrently; one JSON result line each, in input order')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script (bash, zsh, fish, elvish, powershell)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write man pages (discord.1 and one per subcommand) into a folder')
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Stream gateway events as JSON lines, one per dispatch')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'discord;help;get' {
            break
        }
        'discord;help;post' {
            break
        }
        'discord;help;put' {
            break
        }
        'discord;help;patch' {
            break
        }
        'discord;help;delete' {
            break
        }
        'discord;help;login' {
            break
        }
        'discord;help;logout' {
            break
        }
        'discord;help;sandbox' {
            break
        }
        'discord;help;intents' {
            break
        }
        'discord;help;batch' {
            break
        }
        'discord;help;completions' {
            break
        }
        'discord;help;man' {
            break
        }
        'discord;help;listen' {
            break
        }
        'discord;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
