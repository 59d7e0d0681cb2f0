package slack

import "time"

// dedupeTTL is how long the default dedupe set remembers a key. Slack
// retries an unacknowledged event three times within about five minutes,
// so an hour leaves a wide margin.
const dedupeTTL = time.Hour
