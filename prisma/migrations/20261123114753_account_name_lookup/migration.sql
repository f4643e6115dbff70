-- Every account command first looks the typed name up among names and aliases, ignoring case
-- (accountsNamedExactly in src/store/repos/accounts.ts), which without these scans every account.
-- Expression indexes cannot be written in schema.prisma, so this migration is written by hand
-- and `npm run db:diff` leaves them alone. No semicolons in these comments: the script is split on them.
CREATE FUNCTION tend_lower_all(text[]) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT array_agg(lower(x)) FROM unnest($1) x $$;

CREATE INDEX "Account_lower_name_idx" ON "Account" (lower("name"));

CREATE INDEX "Account_lower_aliases_idx" ON "Account" USING GIN (tend_lower_all("aliases"));
