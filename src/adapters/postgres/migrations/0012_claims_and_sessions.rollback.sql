DROP TABLE sign_in_sessions;
DROP TABLE review_claims;
