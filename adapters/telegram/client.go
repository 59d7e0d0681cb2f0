package telegram

import (
	"context"
	"net/http"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// contextClient sends requests under a context. The SDK builds requests
// with http.NewRequest and takes no context, so without it a long poll
// could not be cancelled.
type contextClient struct {
	ctx    context.Context
	client *http.Client
}

func (c contextClient) Do(req *http.Request) (*http.Response, error) {
	return c.client.Do(req.WithContext(c.ctx))
}

// call runs one Bot API request under ctx, bounded by timeout, and returns
// its response with the token removed from any error. The request function
// receives a BotAPI that sends under that context.
func (a *Adapter) call(ctx context.Context, timeout time.Duration,
	request func(api *tgbotapi.BotAPI) (*tgbotapi.APIResponse, error),
) (*tgbotapi.APIResponse, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	// The struct is filled in directly because the SDK's constructors call
	// getMe, and a BotAPI value is needed per call to carry its context.
	api := &tgbotapi.BotAPI{
		Token:  a.token,
		Self:   a.self,
		Client: contextClient{ctx: ctx, client: a.httpClient},
	}
	api.SetAPIEndpoint(a.endpoint)

	resp, err := request(api)
	return resp, redactToken(err, a.token)
}

// request sends c under ctx with the default timeout.
func (a *Adapter) request(ctx context.Context, c tgbotapi.Chattable,
) (*tgbotapi.APIResponse, error) {
	return a.call(ctx, requestTimeout, func(api *tgbotapi.BotAPI) (*tgbotapi.APIResponse, error) {
		return api.Request(c)
	})
}
