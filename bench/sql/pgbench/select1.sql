-- The floor: a round trip with nothing to do.
SELECT 1;
