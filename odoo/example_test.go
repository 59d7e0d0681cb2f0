package odoo_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/crmbot/crmbot/odoo"
	"github.com/crmbot/crmbot/odoo/odoosim"
)

// Example creates a contact on the simulator, reads it back and handles a
// validation error.
func Example() {
	sim := odoosim.New(odoosim.Options{})
	url, err := sim.Start("127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer sim.Close()

	ctx := context.Background()
	client, err := odoo.New(odoo.Config{URL: url, Database: sim.Database(),
		APIKey: sim.AdminKey()})
	if err != nil {
		fmt.Println(err)
		return
	}

	id, err := client.Create(ctx, "res.partner", map[string]any{
		"name": "Jane Doe", "parent_id": 10})
	if err != nil {
		fmt.Println(err)
		return
	}
	rows, err := client.Read(ctx, "res.partner", []int64{id},
		[]string{"display_name", "email"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%q, email %q\n", rows[0].String("display_name"),
		rows[0].String("email"))

	_, err = client.Create(ctx, "res.partner", map[string]any{})
	var odooErr *odoo.Error
	if odoo.IsValidation(err) && errors.As(err, &odooErr) {
		fmt.Println(odooErr.UserMessage())
	}
	// Output:
	// "Acme Corporation, Jane Doe", email ""
	// Contacts require a name
}

// Example_jsonrpc marks a lead lost through the legacy JSON-RPC API, as a
// client of an Odoo 16 to 18 server would, and reads it back.
func Example_jsonrpc() {
	sim := odoosim.New(odoosim.Options{})
	url, err := sim.Start("127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer sim.Close()

	ctx := context.Background()
	client, err := odoo.New(odoo.Config{URL: url, Database: sim.Database(),
		APIKey: sim.AdminKey(), Login: "admin",
		Transport: odoo.TransportJSONRPC})
	if err != nil {
		fmt.Println(err)
		return
	}

	id, err := client.Create(ctx, "crm.lead", map[string]any{
		"name": "Fleet deal", "type": "opportunity", "partner_id": 10})
	if err != nil {
		fmt.Println(err)
		return
	}
	// Lost reason 1 is "Too expensive" in the simulator.
	if err := client.SetLost(ctx, id, 1); err != nil {
		fmt.Println(err)
		return
	}
	rows, err := client.SearchRead(ctx, "crm.lead",
		[]any{[]any{"id", "=", id}}, []string{"active", "lost_reason_id"},
		odoo.SearchOptions{Context: map[string]any{"active_test": false}})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, reason, _ := rows[0].Many2One("lost_reason_id")
	fmt.Printf("active %v, reason %q\n", rows[0].Bool("active"), reason)
	// Output:
	// active false, reason "Too expensive"
}
