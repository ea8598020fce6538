package standins;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Stand-in of the user service: users by globalUserId, and users it is told to report as FAILED. */
public final class UserStandIn extends StandInServer {

    private final Map<String, ObjectNode> usersById = new ConcurrentHashMap<>();
    private final Set<String> failingUserIds = ConcurrentHashMap.newKeySet();
    private final Set<String> refusedUserIds = ConcurrentHashMap.newKeySet();

    public UserStandIn(Path contractsDir, String apiKey) {
        super("user", contractsDir, apiKey);
        on("POST", "/users/upsert-many", this::upsertMany);
        onAdmin("POST", "/_admin/failing-users", request -> {
            JsonNode ids = request.requiredBody().path("globalUserIds");
            if (!ids.isArray()) {
                throw HttpError.badRequest("globalUserIds must be an array of strings");
            }
            ids.forEach(id -> failingUserIds.add(id.asText()));
            return StandInResponse.ok(Map.of("globalUserIds", failingUserIds));
        });
        onAdmin(
                "GET",
                "/_admin/users",
                request -> StandInResponse.ok(Map.of("users", storedUsers().values())));
    }

    /** From now on these users come back FAILED (and are not stored) until {@link #reset()}. */
    public void failUsers(Collection<String> globalUserIds) {
        failingUserIds.addAll(globalUserIds);
    }

    public void failUsers(String... globalUserIds) {
        failUsers(List.of(globalUserIds));
    }

    /**
     * From now on a request holding any of these users is refused as a whole with 400, as a service does that
     * validates the whole request before it stores anything (until {@link #reset()}).
     */
    public void refuseUsers(String... globalUserIds) {
        refusedUserIds.addAll(List.of(globalUserIds));
    }

    /** How many users are stored: cheap enough to poll, unlike {@link #storedUsers()}. */
    public int storedCount() {
        return usersById.size();
    }

    /** The stored users by globalUserId (copies). */
    public Map<String, JsonNode> storedUsers() {
        Map<String, JsonNode> copies = new TreeMap<>();
        usersById.forEach((id, user) -> copies.put(id, user.deepCopy()));
        return copies;
    }

    @Override
    protected void clearState() {
        usersById.clear();
        failingUserIds.clear();
        refusedUserIds.clear();
    }

    private StandInResponse upsertMany(StandInRequest request) {
        for (JsonNode user : request.body().get("users")) {
            if (refusedUserIds.contains(user.get("globalUserId").asText())) {
                throw HttpError.badRequest("user " + user.get("globalUserId").asText() + " is refused");
            }
        }
        ObjectNode response = Json.object();
        ArrayNode results = response.putArray("results");
        for (JsonNode user : request.body().get("users")) {
            String globalUserId = user.get("globalUserId").asText();
            ObjectNode result = results.addObject().put("globalUserId", globalUserId);
            if (failingUserIds.contains(globalUserId)) {
                result.put("status", "FAILED").put("error", "user service could not store this user");
            } else {
                // Upsert merges: fields the request leaves out keep their stored value.
                usersById.merge(
                        globalUserId,
                        (ObjectNode) user.deepCopy(),
                        (stored, update) -> stored.deepCopy().setAll(update));
                result.put("status", "UPSERTED");
            }
        }
        return StandInResponse.ok(response);
    }
}
