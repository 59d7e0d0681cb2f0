package odoo

// Command is one entry of the command list that writes a one2many or
// many2many field, such as tag_ids. Build commands with the Command*
// functions and pass a []Command as the field's value to Create or Write;
// unlike a plain list of ids, commands say whether to add, remove or
// replace links.
type Command []any

// CommandCreate creates a record with vals and links it.
func CommandCreate(vals map[string]any) Command { return Command{0, 0, vals} }

// CommandUpdate writes vals on the linked record id.
func CommandUpdate(id int64, vals map[string]any) Command { return Command{1, id, vals} }

// CommandDelete deletes the linked record id from the database.
func CommandDelete(id int64) Command { return Command{2, id, 0} }

// CommandUnlink removes the link to record id and keeps the record.
func CommandUnlink(id int64) Command { return Command{3, id, 0} }

// CommandLink adds a link to the existing record id.
func CommandLink(id int64) Command { return Command{4, id, 0} }

// CommandClear removes every link and keeps the records.
func CommandClear() Command { return Command{5, 0, 0} }

// CommandSet replaces the links with ids.
func CommandSet(ids ...int64) Command {
	if ids == nil {
		ids = []int64{}
	}
	return Command{6, 0, ids}
}
