DROP TABLE IF EXISTS speaking_rates;
