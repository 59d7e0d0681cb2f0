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
