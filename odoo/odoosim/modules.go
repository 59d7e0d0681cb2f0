package odoosim

import (
	"fmt"
	"slices"
)

// moduleStateSelection is the selection of ir.module.module's state, as
// in Odoo 19's base module, in the notation of parseFields.
const moduleStateSelection = "sel=uninstallable:Uninstallable," +
	"uninstalled:Not~Installed,installed:Installed," +
	"to~upgrade:To~be~upgraded,to~remove:To~be~removed," +
	"to~install:To~be~installed"

// moduleStates are the valid values of ir.module.module's state.
var moduleStates = []string{"uninstallable", "uninstalled", "installed",
	"to upgrade", "to remove", "to install"}

// seedModules are the ir.module.module records of a new server: the
// modules a CRM database has, and two that are available but not
// installed. There is no helpdesk module, as in Odoo 19 Community.
var seedModules = []struct {
	id                     int64
	name, shortdesc, state string
}{
	{1, "base", "Base", "installed"},
	{2, "mail", "Discuss", "installed"},
	{3, "contacts", "Contacts", "installed"},
	{4, "calendar", "Calendar", "installed"},
	{5, "sales_team", "Sales Teams", "installed"},
	{6, "crm", "CRM", "installed"},
	{7, "sale_management", "Sales", "uninstalled"},
	{8, "project", "Project", "uninstalled"},
}

// moduleModels maps a module to the simulated models it defines. The
// models of base, and of modules not listed, always exist.
var moduleModels = map[string][]string{
	"mail": {"mail.activity", "mail.activity.type", "mail.message",
		"mail.message.subtype"},
	"calendar":   {"calendar.event"},
	"sales_team": {"crm.team"},
	"crm":        {"crm.lead", "crm.stage", "crm.tag", "crm.lost.reason"},
}

// installedStates are the module states in which its models exist.
var installedStates = []string{"installed", "to upgrade", "to remove"}

// SetModuleState sets the state of the module name in ir.module.module,
// adding the module when it is not there, so that tests can simulate a
// database without it. state is one of "installed", "uninstalled",
// "uninstallable", "to install", "to upgrade" and "to remove".
//
// While mail, calendar, sales_team or crm is not installed, its models
// behave as missing ones: JSON-2 calls fail with 404 NotFound, JSON-RPC
// calls with "Object ... doesn't exist", and their ir.model records are
// gone. It fails on an invalid state and on a change to base.
//
// NOTE: the fields that other models have because of the module, such
// as res.partner's opportunity_ids, stay, and modules that depend on it
// stay installed. A real uninstallation removes both.
func (s *Server) SetModuleState(name, state string) error {
	if !slices.Contains(moduleStates, state) {
		return fmt.Errorf("odoosim: invalid module state %q: use one of %q",
			state, moduleStates)
	}
	if name == "base" {
		return fmt.Errorf("odoosim: the state of module base cannot change")
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	tx := s.db.clone()
	e := s.newEnv(tx, AdminUID, nil)
	id := findModule(tx, name)
	if id == 0 {
		ids, err := e.create(s.models["ir.module.module"],
			[]map[string]any{{"name": name, "shortdesc": name}})
		if err != nil {
			return fmt.Errorf("odoosim: add module %s: %w", name, err)
		}
		id = ids[0]
	}
	tx.row("ir.module.module", id)["state"] = state

	installed := slices.Contains(installedStates, state)
	for _, modelName := range moduleModels[name] {
		setIRModel(e, modelName, installed)
	}
	s.db = tx
	return nil
}

// findModule returns the id of the ir.module.module record of name, or 0.
func findModule(db *database, name string) int64 {
	for id, r := range db.tables["ir.module.module"].rows {
		if r["name"] == name {
			return id
		}
	}
	return 0
}

// setIRModel adds or removes the ir.model record of modelName, keeping
// its seeded id.
func setIRModel(e *env, modelName string, present bool) {
	t := e.db.tables["ir.model"]
	for _, m := range irModelIDs {
		if m.model != modelName {
			continue
		}
		if !present {
			delete(t.rows, m.id)
			return
		}
		if _, ok := t.rows[m.id]; !ok {
			t.rows[m.id] = row{"id": m.id, "model": m.model, "name": m.name,
				"create_date": e.nowText(), "write_date": e.nowText(),
				"create_uid": e.uid, "write_uid": e.uid}
		}
		return
	}
}

// modelInstalled reports whether the module that defines modelName is
// installed in db.
func modelInstalled(db *database, modelName string) bool {
	for module, models := range moduleModels {
		if !slices.Contains(models, modelName) {
			continue
		}
		id := findModule(db, module)
		if id == 0 {
			return false
		}
		state, _ := db.row("ir.module.module", id)["state"].(string)
		return slices.Contains(installedStates, state)
	}
	return true
}

// lookupModel returns the model called name, or nil when the simulator
// does not have it or its module is not installed.
func (s *Server) lookupModel(name string) *model {
	m := s.models[name]
	if m == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !modelInstalled(s.db, name) {
		return nil
	}
	return m
}
