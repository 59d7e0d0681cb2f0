package feishu

import (
	"errors"
	"fmt"
)

// ErrUnauthorized reports that Feishu rejected the app credentials.
// Retrying cannot help: check Config.AppID, Config.AppSecret and
// Config.Domain (an app of feishu.cn does not exist on larksuite.com).
var ErrUnauthorized = errors.New("feishu: app credentials rejected")

// APIError is a business error of the Open Platform: the HTTP call
// succeeded but the response's code is not 0. The SDK returns it with a
// nil error, so every call checks the code as well.
type APIError struct {
	// Op is the API operation, such as "send message".
	Op   string
	Code int
	Msg  string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("feishu: %s: code %d: %s", e.Op, e.Code, e.Msg)
}
