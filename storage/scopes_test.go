package storage_test

import (
	"context"
	"slices"
	"testing"

	"github.com/samverkan/samverkan/auth"
	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/privacy"
	"github.com/samverkan/samverkan/storage"
	"github.com/samverkan/samverkan/storage/storagetest"
)

// A database made before scopes became many-to-many keeps each editor's
// scope in a column of municipalities and institutions. The new binary's
// migration moves them into the join tables, losing none, once.
func TestMigrateKeepsOldScopesInSQLite(t *testing.T) {
	testMigrateKeepsOldScopes(t, storagetest.OpenSQLite(t))
}

func TestMigrateKeepsOldScopesInPostgres(t *testing.T) {
	testMigrateKeepsOldScopes(t, storagetest.OpenPostgres(t))
}

func testMigrateKeepsOldScopes(t *testing.T, db *storage.DB) {
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow) // writes as the server
	client := db.Client()
	t.Cleanup(func() { client.Close() })

	orebro := client.Municipality.Create().SetCode("1880").SetName("Örebro").SaveX(ctx)
	kumla := client.Municipality.Create().SetCode("1881").SetName("Kumla").SaveX(ctx)
	hallsberg := client.Municipality.Create().SetCode("1861").SetName("Hallsberg").SaveX(ctx)
	museum := client.Institution.Create().SetName("Örebro läns museum").SaveX(ctx)
	theatre := client.Institution.Create().SetName("Länsteatern").SaveX(ctx)
	editor := func(name string) *ent.User {
		return client.User.Create().SetUsername(name).SetDisplayName(name).
			SetRole(auth.RoleEditor).SetPasswordHash("x").SaveX(ctx)
	}
	anna, bertil := editor("anna"), editor("bertil")

	// The old layout, as the previous binary's migration made it: a column
	// naming the one editor, with a foreign key to the users.
	for _, stmt := range []string{
		`ALTER TABLE municipalities ADD COLUMN user_municipalities BIGINT NULL REFERENCES users (id) ON DELETE SET NULL`,
		`ALTER TABLE institutions ADD COLUMN user_institutions BIGINT NULL REFERENCES users (id) ON DELETE SET NULL`,
	} {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("make the old layout: %v", err)
		}
	}
	set := func(table, column string, user, id int) {
		t.Helper()
		stmt := "UPDATE " + table + " SET " + column + " = ? WHERE id = ?"
		if db.Dialect == "postgres" {
			stmt = "UPDATE " + table + " SET " + column + " = $1 WHERE id = $2"
		}
		if _, err := db.ExecContext(ctx, stmt, user, id); err != nil {
			t.Fatalf("old scope: %v", err)
		}
	}
	set("municipalities", "user_municipalities", anna.ID, orebro.ID)
	set("municipalities", "user_municipalities", anna.ID, kumla.ID)
	set("institutions", "user_institutions", anna.ID, museum.ID)
	set("municipalities", "user_municipalities", bertil.ID, hallsberg.ID)
	set("institutions", "user_institutions", bertil.ID, theatre.ID)

	scopes := func() map[string][]int {
		t.Helper()
		got := map[string][]int{}
		for _, u := range client.User.Query().WithMunicipalities().WithInstitutions().AllX(ctx) {
			for _, m := range u.Edges.Municipalities {
				got[u.Username] = append(got[u.Username], m.ID)
			}
			for _, i := range u.Edges.Institutions {
				got[u.Username] = append(got[u.Username], i.ID)
			}
			slices.Sort(got[u.Username])
		}
		return got
	}
	want := map[string][]int{
		"anna":   sorted(orebro.ID, kumla.ID, museum.ID),
		"bertil": sorted(hallsberg.ID, theatre.ID),
	}
	check := func(when string, want map[string][]int) {
		t.Helper()
		got := scopes()
		for name, ids := range want {
			if !slices.Equal(got[name], ids) {
				t.Errorf("%s: %s's scope = %v, want %v", when, name, got[name], ids)
			}
		}
	}

	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate the old layout: %v", err)
	}
	check("after the migration", want)

	t.Run("SecondEditorForÖrebro", func(t *testing.T) {
		if err := client.User.UpdateOne(bertil).AddMunicipalities(orebro).Exec(ctx); err != nil {
			t.Fatalf("add Örebro to bertil's scope: %v", err)
		}
		want["bertil"] = sorted(orebro.ID, hallsberg.ID, theatre.ID)
		check("after adding Örebro to bertil", want)
	})

	t.Run("MigratingAgainChangesNothing", func(t *testing.T) {
		// An admin takes Kumla out of anna's scope; the old column must not
		// bring it back at the next start.
		if err := client.User.UpdateOne(anna).RemoveMunicipalities(kumla).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		want["anna"] = sorted(orebro.ID, museum.ID)
		for range 2 {
			if err := db.Migrate(ctx); err != nil {
				t.Fatalf("migrate again: %v", err)
			}
		}
		check("after migrating again", want)
	})
}

func sorted(ids ...int) []int {
	slices.Sort(ids)
	return ids
}
