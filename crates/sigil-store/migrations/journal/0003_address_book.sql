-- The person's address book: names they gave recipients, per network. It lives beside the
-- journal because, like it, nothing else can rebuild it and sign-out keeps it. Unlike the
-- journal's operations, its rows are theirs to rename and delete.
CREATE TABLE address_book (
    owner TEXT NOT NULL,
    network TEXT NOT NULL,
    -- As the network writes it canonically (checked by the caller): one row per address.
    address TEXT NOT NULL,
    name TEXT NOT NULL CHECK (length(name) > 0),
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    PRIMARY KEY (owner, network, address)
);

PRAGMA user_version = 3;
