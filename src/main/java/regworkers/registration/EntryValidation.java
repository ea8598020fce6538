package regworkers.registration;

import java.util.Objects;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The outcome of checking a fan's entry against a campaign's preferences.
 *
 * @param valid   whether the entry may be registered
 * @param fields  the normalised entry when valid, else null
 * @param field   the offending field when invalid ({@code "entry"} for the entry as a whole), else null
 * @param problem a short sentence about what is wrong, never containing the submitted value (it
 *                may be personal data and this text is logged); null when valid
 */
public record EntryValidation(boolean valid, ObjectNode fields, String field, String problem) {

    public static EntryValidation accepted(ObjectNode fields) {
        return new EntryValidation(true, Objects.requireNonNull(fields), null, null);
    }

    public static EntryValidation rejected(String field, String problem) {
        return new EntryValidation(false, null, Objects.requireNonNull(field), Objects.requireNonNull(problem));
    }
}
