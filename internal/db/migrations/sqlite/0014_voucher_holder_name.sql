-- A voucher keeps its holder's name as it stood when it was applied for, as
-- a programme application does, so the voucher area never reads the
-- enterprises table; the enterprise area answers through an interface.
ALTER TABLE vouchers ADD COLUMN enterprise_name TEXT NOT NULL DEFAULT '';
UPDATE vouchers SET enterprise_name = (SELECT name FROM enterprises WHERE enterprises.id = vouchers.enterprise_id);
