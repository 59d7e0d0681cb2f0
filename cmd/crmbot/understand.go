package main

import (
	"github.com/crmbot/crmbot/conversation"
	"github.com/crmbot/crmbot/conversation/understand"
)

// newUnderstander returns the rules understander, wrapped by the LLM one
// when an LLM is configured.
func newUnderstander(cfg appConfig) conversation.Understander {
	rules := &understand.Rules{Region: cfg.region}
	if cfg.llm.BaseURL == "" {
		return rules
	}
	return understand.NewLLM(understand.LLMConfig{
		BaseURL: cfg.llm.BaseURL,
		Model:   cfg.llm.Model,
		APIKey:  cfg.llmKey,
		Timeout: cfg.llm.Timeout,
		Logger:  cfg.log,
		Region:  cfg.region,
	}, rules)
}
