package odoo_test

import (
	"context"
	"slices"
	"testing"

	"github.com/crmbot/crmbot/odoo"
	"github.com/crmbot/crmbot/odoo/odoosim"
)

func TestX2ManyCommands(t *testing.T) {
	sim := odoosim.New(odoosim.Options{})
	url, err := sim.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	for _, transport := range []string{odoo.TransportJSON2, odoo.TransportJSONRPC} {
		c, err := odoo.New(odoo.Config{URL: url, Database: sim.Database(), APIKey: sim.AdminKey(),
			Transport: transport, Login: "admin"})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		var tags []int64
		for _, name := range []string{"cmd-a-" + transport, "cmd-b-" + transport} {
			id, err := c.Create(ctx, "crm.tag", map[string]any{"name": name})
			if err != nil {
				t.Fatal(err)
			}
			tags = append(tags, id)
		}
		lead, err := c.Create(ctx, "crm.lead", map[string]any{"name": "Commands", "type": "opportunity",
			"tag_ids": []odoo.Command{odoo.CommandSet(tags[0])}})
		if err != nil {
			t.Fatalf("%s: create with CommandSet: %v", transport, err)
		}
		steps := []struct {
			cmds []odoo.Command
			want []int64
		}{
			{[]odoo.Command{odoo.CommandLink(tags[1])}, tags},
			{[]odoo.Command{odoo.CommandUnlink(tags[0])}, tags[1:]},
			{[]odoo.Command{odoo.CommandClear()}, nil},
			{[]odoo.Command{odoo.CommandSet(tags...)}, tags},
		}
		for i, step := range steps {
			if err := c.Write(ctx, "crm.lead", []int64{lead}, map[string]any{"tag_ids": step.cmds}); err != nil {
				t.Fatalf("%s: step %d: %v", transport, i, err)
			}
			rows, err := c.Read(ctx, "crm.lead", []int64{lead}, []string{"tag_ids"})
			if err != nil {
				t.Fatal(err)
			}
			got := rows[0].IDs("tag_ids")
			slices.Sort(got)
			if !slices.Equal(got, step.want) {
				t.Errorf("%s: step %d: tag_ids = %v, want %v", transport, i, got, step.want)
			}
		}
	}
}

func TestLostWriteNotResent(t *testing.T) {
	sim := odoosim.New(odoosim.Options{})
	url, err := sim.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	c, err := odoo.New(odoo.Config{URL: url, Database: sim.Database(), APIKey: sim.AdminKey()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	lead, err := c.Create(ctx, "crm.lead", map[string]any{"name": "Lost write", "type": "lead"})
	if err != nil {
		t.Fatal(err)
	}
	sim.LoseNextResponse("crm.lead", "write")
	err = c.Write(ctx, "crm.lead", []int64{lead}, map[string]any{
		"tag_ids": []odoo.Command{odoo.CommandCreate(map[string]any{"name": "ProbeTag"})}})
	if !odoo.IsOutcomeUnknown(err) {
		t.Errorf("write whose response was lost: got %v, want an outcome-unknown error", err)
	}
	var probes int
	for _, tag := range sim.Records("crm.tag") {
		if tag["name"] == "ProbeTag" {
			probes++
		}
	}
	if probes != 1 {
		t.Errorf("tags created by one write: got %d, want 1", probes)
	}
}
