package dev.portcullis.apiserver.store;

import io.agroal.api.AgroalDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Rows of api-server's table as PostgreSQL itself holds them: proof that a suite ran on PostgreSQL. */
public final class PostgresRows {
    private PostgresRows() {}

    /** How many rows of this kind and name PostgreSQL holds (0 or 1). */
    public static int count(AgroalDataSource pg, String kind, String name) throws SQLException {
        try (Connection c = pg.getConnection();
                PreparedStatement st =
                        c.prepareStatement("select count(*) from pc_resources where kind = ? and name = ?")) {
            if (!c.getMetaData().getDatabaseProductName().equals("PostgreSQL")) {
                throw new IllegalStateException(
                        "not PostgreSQL: " + c.getMetaData().getDatabaseProductName());
            }
            st.setString(1, kind);
            st.setString(2, name);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
