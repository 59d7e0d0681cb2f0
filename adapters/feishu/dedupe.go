package feishu

import "time"

// dedupeTTL is how long the default dedupe set keeps a key. Feishu
// retries an undelivered event after 15 seconds, 5 minutes, 1 hour and
// 6 hours, so a day covers every retry.
const dedupeTTL = 24 * time.Hour
