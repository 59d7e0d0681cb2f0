package odoo

import (
	"context"
	"fmt"
	"net/http"
	"sync"
)

// Values of Config.Transport.
const (
	// TransportJSON2 is the JSON-2 API of Odoo 19: POST
	// /json/2/<model>/<method> with the API key as a bearer token.
	TransportJSON2 = "json2"
	// TransportJSONRPC is the legacy JSON-RPC API (POST /jsonrpc), which
	// Odoo 19 still serves but deprecates. It is the only API of Odoo 16
	// to 18 that this client speaks.
	TransportJSONRPC = "jsonrpc"
	// TransportAuto chooses TransportJSON2 for Odoo 19 and later and
	// TransportJSONRPC for older servers, from the server version.
	TransportAuto = "auto"
)

// jsonRPCNeeds names what the jsonrpc transport needs beyond the URL and
// the key.
const jsonRPCNeeds = "set Config.Login to the login of the key's user " +
	"and Config.Database to the database name"

// checkTransport validates the transport settings of cfg and returns the
// transport, with "" replaced by the default.
func checkTransport(cfg Config) (string, error) {
	switch cfg.Transport {
	case "", TransportJSON2:
		return TransportJSON2, nil
	case TransportAuto:
		return TransportAuto, nil
	case TransportJSONRPC:
		if cfg.Login == "" || cfg.Database == "" {
			return "", fmt.Errorf("odoo: the jsonrpc transport needs a "+
				"login and a database: %s", jsonRPCNeeds)
		}
		return TransportJSONRPC, nil
	}
	return "", fmt.Errorf("odoo: invalid transport %q: use %q, %q or %q",
		cfg.Transport, TransportJSON2, TransportJSONRPC, TransportAuto)
}

// Transport returns the transport the client uses: TransportJSON2 or
// TransportJSONRPC. With TransportAuto, the first call reads the server
// version, with GET /json/version or else the JSON-RPC common.version,
// and the choice is kept for the life of the client. A failed attempt is
// not kept, so a later call tries again. It is safe for concurrent use.
func (c *Client) Transport(ctx context.Context) (string, error) {
	if c.transport != TransportAuto {
		return c.transport, nil
	}
	transport, err := c.resolved.get(ctx, c.chooseTransport)
	if err != nil {
		return "", wrapContextError("server", "version", err)
	}
	return transport, nil
}

// chooseTransport reads the server version and returns the transport for
// it.
func (c *Client) chooseTransport(ctx context.Context) (string, error) {
	info, err := c.serverVersion(ctx)
	if err != nil {
		return "", err
	}
	major := info.Major()
	if major == 0 {
		return "", &Error{Model: "server", Method: "version",
			Status: http.StatusOK, Message: fmt.Sprintf("unknown server "+
				"version %q: set the transport in the configuration",
				info.Version)}
	}
	transport := TransportJSON2
	if major < 19 {
		transport = TransportJSONRPC
	}
	c.logger.InfoContext(ctx, "odoo transport selected",
		"transport", transport, "server_version", info.Version)
	return transport, nil
}

// serverVersion returns the version from GET /json/version, or from the
// JSON-RPC common.version when the server has no such route.
func (c *Client) serverVersion(ctx context.Context) (VersionInfo, error) {
	var info VersionInfo
	err := c.retry(ctx, "server", "version", true, func() error {
		var err error
		info, err = c.Version(ctx)
		return err
	})
	if err == nil || !hasNoVersionRoute(err) {
		return info, err
	}

	err = c.retry(ctx, "common", "version", true, func() error {
		var err error
		info, err = c.legacyVersion(ctx)
		return err
	})
	return info, err
}

// hasNoVersionRoute reports whether GET /json/version failed because the
// server lacks the route, as servers older than Odoo 19 may. That is any
// error response or undecodable body, except a missing database and a
// transient failure.
func hasNoVersionRoute(err error) bool {
	e := asError(err)
	if e == nil || e.Status == 0 || IsTransient(err) ||
		IsDatabaseNotFound(err) {
		return false
	}
	return true
}

// wrapContextError turns a bare context error into an *Error, so that
// every failure of Call is an *Error.
func wrapContextError(model, method string, err error) error {
	if asError(err) != nil {
		return err
	}
	return &Error{Model: model, Method: method, Err: err}
}

// lazy holds a value computed by the first successful get. Calls of get
// wait for each other, one attempt at a time, so that concurrent first
// calls make one attempt, not one each. A failed attempt is not kept.
// The zero value is ready to use.
type lazy[T any] struct {
	init sync.Once
	// turn is a semaphore of capacity one. Sending to it and receiving
	// from it order the accesses to value and ok.
	turn  chan struct{}
	value T
	ok    bool
}

// get returns the kept value, or computes it with compute. It returns
// ctx.Err() when ctx ends while another call computes the value.
func (l *lazy[T]) get(ctx context.Context,
	compute func(context.Context) (T, error)) (T, error) {
	var zero T
	l.init.Do(func() { l.turn = make(chan struct{}, 1) })
	select {
	case l.turn <- struct{}{}:
	case <-ctx.Done():
		return zero, ctx.Err()
	}
	defer func() { <-l.turn }()

	if l.ok {
		return l.value, nil
	}
	value, err := compute(ctx)
	if err != nil {
		return zero, err
	}
	l.value, l.ok = value, true
	return value, nil
}
