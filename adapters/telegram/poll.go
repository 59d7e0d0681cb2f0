package telegram

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// polledUpdate is one update of a getUpdates result. Each update is
// decoded on its own, so one malformed update cannot fail its batch.
type polledUpdate struct {
	id     int
	update tgbotapi.Update
	// decodeErr is set when the update did not decode. Its id is still
	// read when possible, so that it can be confirmed and skipped.
	decodeErr error
}

// getUpdates calls getUpdates with offset, waiting up to timeout for an
// update, and returns at most limit updates (zero means the Bot API
// default of 100).
func (a *Adapter) getUpdates(ctx context.Context, offset int, timeout time.Duration,
	limit int,
) ([]polledUpdate, error) {
	cfg := tgbotapi.UpdateConfig{
		Offset:  offset,
		Limit:   limit,
		Timeout: int(timeout / time.Second),
	}
	resp, err := a.call(ctx, timeout+pollTimeoutMargin,
		func(api *tgbotapi.BotAPI) (*tgbotapi.APIResponse, error) {
			return api.Request(cfg)
		})
	if err != nil {
		return nil, err
	}

	var raws []json.RawMessage
	if err := json.Unmarshal(resp.Result, &raws); err != nil {
		return nil, fmt.Errorf("decode getUpdates result: %w", err)
	}
	updates := make([]polledUpdate, 0, len(raws))
	for _, raw := range raws {
		updates = append(updates, decodeUpdate(raw))
	}
	return updates, nil
}

func decodeUpdate(raw json.RawMessage) polledUpdate {
	var u polledUpdate
	if err := json.Unmarshal(raw, &u.update); err != nil {
		var head struct {
			UpdateID int `json:"update_id"`
		}
		_ = json.Unmarshal(raw, &head) // an unreadable id stays 0
		u.id = head.UpdateID
		u.decodeErr = err
		return u
	}
	u.id = u.update.UpdateID
	return u
}
