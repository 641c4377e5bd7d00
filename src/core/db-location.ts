/** A database location that names PostgreSQL rather than a SQLite file (libpq's two URI schemes). */
export const POSTGRES_URL = /^postgres(?:ql)?:\/\//i;
