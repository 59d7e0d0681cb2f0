package feishu

import (
	"context"
	"fmt"
	"log/slog"

	larkcore "github.com/larksuite/oapi-sdk-go/v3/core"
)

// sdkLogLevel is the lowest SDK log level passed on. The SDK logs event
// payloads, message text included, at debug level, so debug and info
// stay off.
const sdkLogLevel = larkcore.LogLevelWarn

// sdkLogger passes the SDK's warnings and errors (larkcore.Logger) to
// slog and drops its debug and info lines. It filters by itself because
// the long-connection client (v3.13.0) ignores WithLogLevel once a
// logger is set, and its debug lines contain whole event payloads, with
// message text and the verification token.
type sdkLogger struct {
	logger *slog.Logger
}

func (l sdkLogger) Debug(context.Context, ...any) {}

func (l sdkLogger) Info(context.Context, ...any) {}

func (l sdkLogger) Warn(ctx context.Context, args ...any) {
	l.logger.WarnContext(ctx, "feishu sdk", "detail", fmt.Sprint(args...))
}

func (l sdkLogger) Error(ctx context.Context, args ...any) {
	l.logger.ErrorContext(ctx, "feishu sdk", "detail", fmt.Sprint(args...))
}
