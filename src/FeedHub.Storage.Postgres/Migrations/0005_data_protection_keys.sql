-- ASP.NET Core data-protection keys, which sign curators' sign-in cookies and antiforgery tokens: kept here so that
-- every web node of a cluster reads and writes the same key ring (a curator signed in on one node is signed in on all).
CREATE TABLE data_protection_keys (
    name       text        PRIMARY KEY,
    xml        text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
