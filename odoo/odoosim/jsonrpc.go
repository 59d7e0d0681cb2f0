package odoosim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// The legacy JSON-RPC endpoint (POST /jsonrpc) is deprecated in Odoo 19
// but still served. It returns HTTP 200 even for errors, which come as
// {"code": 0, "message": "Odoo Server Error", "data": {...}}.

// rpcRequest is a JSON-RPC 2.0 request to /jsonrpc.
type rpcRequest struct {
	ID     any `json:"id"`
	Params struct {
		Service string `json:"service"`
		Method  string `json:"method"`
		Args    []any  `json:"args"`
	} `json:"params"`
}

// serveJSONRPC handles POST /jsonrpc for the services common (version,
// login, authenticate) and object (execute_kw).
func (s *Server) serveJSONRPC(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.calls++
	s.mu.Unlock()

	raw, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	var req rpcRequest
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err != nil || dec.Decode(&req) != nil {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		writeHTML(w, http.StatusBadRequest, "Invalid JSON data")
		return
	}

	model, method := req.target()
	if s.takeDrop(model, method) {
		s.dropConnection(w, model, method)
		return
	}
	result, rpcErr := s.dispatchJSONRPC(req)
	if s.takeLoss(model, method) {
		s.dropConnection(w, model, method)
		return
	}
	if rpcErr != nil && rpcErr.html != "" {
		// A proxy failure (502, 503, 504) is an HTML page on every
		// endpoint: the proxy in front of Odoo knows nothing of JSON-RPC.
		writeHTML(w, rpcErr.status, rpcErr.html)
		return
	}
	if rpcErr != nil {
		s.logger.Debug("odoo json-rpc call failed",
			"service", req.Params.Service, "method", req.Params.Method,
			"error", rpcErr.Error())
		writeJSON(w, http.StatusOK, object{
			{"jsonrpc", "2.0"}, {"id", req.ID},
			{"error", object{{"code", 0}, {"message", "Odoo Server Error"},
				{"data", rpcErr.body()}}},
		})
		return
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	response := object{{"jsonrpc", "2.0"}, {"id", req.ID}}
	// Odoo leaves "result" out when the method returns None.
	if result != nil {
		response = append(response, member{"result", result})
	}
	writeJSON(w, http.StatusOK, response)
}

// target returns the model and method that DropNext and LoseNextResponse
// match: those of object.execute_kw, or "" and the method of another
// service.
func (req *rpcRequest) target() (string, string) {
	args := req.Params.Args
	if req.Params.Service == "object" && len(args) >= 5 {
		model, _ := args[3].(string)
		method, _ := args[4].(string)
		return model, method
	}
	return "", req.Params.Method
}

func (s *Server) dispatchJSONRPC(req rpcRequest) (any, *rpcError) {
	args := req.Params.Args
	switch req.Params.Service {
	case "common":
		switch req.Params.Method {
		case "version":
			return object{
				{"server_version", "19.0"},
				{"server_version_info", []any{19, 0, 0, "final", 0, ""}},
				{"server_serie", "19.0"},
				{"protocol_version", 1},
			}, nil
		case "login", "authenticate":
			return s.legacyLogin(args)
		}
		return nil, newError(200, "builtins.AttributeError",
			fmt.Sprintf("module 'common' has no attribute %s",
				pyRepr(req.Params.Method)))
	case "object":
		if req.Params.Method != "execute_kw" &&
			req.Params.Method != "execute" {
			return nil, newError(200, "builtins.AttributeError",
				fmt.Sprintf("module 'object' has no attribute %s",
					pyRepr(req.Params.Method)))
		}
		return s.executeKw(req.Params.Method, args)
	}
	return nil, errKey(req.Params.Service)
}

// checkLegacyDatabase fails as a missing PostgreSQL database does.
func (s *Server) checkLegacyDatabase(db any) *rpcError {
	if name, _ := db.(string); name == s.database {
		return nil
	}
	message := fmt.Sprintf("connection to server failed: FATAL:  "+
		"database \"%v\" does not exist\n", db)
	return newError(200, "psycopg2.OperationalError", message)
}

// legacyLogin returns the uid for a login and a password or API key, or
// false when they do not match.
func (s *Server) legacyLogin(args []any) (any, *rpcError) {
	if len(args) < 3 {
		return nil, errType(fmt.Sprintf("login() takes 3 arguments, "+
			"%d given", len(args)))
	}
	if err := s.checkLegacyDatabase(args[0]); err != nil {
		return nil, err
	}
	login, _ := args[1].(string)
	secret, _ := args[2].(string)
	for _, u := range s.users {
		if u.login == login && secret != "" &&
			(secret == u.password || secret == u.key) {
			return u.id, nil
		}
	}
	return false, nil
}

// executeKw runs object.execute_kw(db, uid, password, model, method,
// args, kwargs), or object.execute with positional arguments only.
func (s *Server) executeKw(service string, args []any) (any, *rpcError) {
	if len(args) < 5 {
		return nil, errType(fmt.Sprintf("%s() takes at least 5 arguments, "+
			"%d given", service, len(args)))
	}
	if err := s.checkLegacyDatabase(args[0]); err != nil {
		return nil, err
	}
	uid, _ := asInt(args[1])
	secret, _ := args[2].(string)
	u := s.users[uid]
	if u == nil || secret == "" || secret != u.key && secret != u.password {
		return nil, &rpcError{status: 200,
			name: "odoo.exceptions.AccessDenied", message: "Access Denied"}
	}

	modelName, _ := args[3].(string)
	methodName, _ := args[4].(string)
	positional, kwargs := []any{}, map[string]any{}
	if service == "execute" {
		positional = args[5:]
	} else {
		if len(args) > 5 {
			positional, _ = args[5].([]any)
		}
		if len(args) > 6 {
			kwargs, _ = args[6].(map[string]any)
		}
	}

	m := s.lookupModel(modelName)
	if m == nil {
		return nil, newError(200, "odoo.exceptions.UserError",
			fmt.Sprintf("Object %s doesn't exist", modelName))
	}
	if isPrivate(methodName) {
		return nil, errAccess(fmt.Sprintf("Private methods (such as "+
			"'%s.%s') cannot be called remotely.", modelName, methodName))
	}
	spec := lookupMethod(m, methodName)
	if spec == nil {
		return nil, newError(200, "builtins.AttributeError",
			fmt.Sprintf("The method '%s.%s' does not exist", modelName,
				methodName))
	}
	named, err := nameArgs(spec, positional, kwargs)
	if err != nil {
		return nil, err
	}

	result, err := s.call(uid, modelName, methodName, named)
	if err != nil {
		return nil, err
	}
	// A legacy create with one dict returns one id, not a list.
	if _, single := named["vals_list"].(map[string]any); single {
		if ids, ok := result.([]int64); ok && len(ids) == 1 {
			return ids[0], nil
		}
	}
	return result, nil
}

// nameArgs turns the positional arguments of a legacy call into the named
// arguments of JSON-2: the first one is the ids for a method on records,
// the others follow the parameter order.
func nameArgs(spec *method, positional []any,
	kwargs map[string]any) (map[string]any, *rpcError) {
	named := make(map[string]any, len(kwargs)+len(positional))
	for key, v := range kwargs {
		named[key] = v
	}
	if spec.onRecords {
		if len(positional) == 0 {
			return nil, errType("missing the ids of the records")
		}
		named["ids"] = positional[0]
		positional = positional[1:]
	}
	if len(positional) > len(spec.params) {
		return nil, errType(fmt.Sprintf("takes %d positional arguments "+
			"but %d were given", len(spec.params), len(positional)))
	}
	for i, v := range positional {
		named[spec.params[i]] = v
	}
	return named, nil
}
