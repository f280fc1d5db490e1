"""Every subtitles route, body and problem response is in the OpenAPI document."""

from __future__ import annotations

from pathlib import Path

from tests.support.app import api_client

EXPECTED = {
    "/api/v1/projects": {"get", "post"},
    "/api/v1/projects/{project_id}": {"get", "patch", "delete"},
    "/api/v1/projects/{project_id}/members": {"get", "post"},
    "/api/v1/projects/{project_id}/members/{user_id}": {"delete"},
    "/api/v1/projects/{project_id}/invitations/{invitation_id}": {"delete"},
    "/api/v1/me/invitations": {"get"},
    "/api/v1/me/invitations/{invitation_id}/accept": {"post"},
    "/api/v1/me/invitations/{invitation_id}/decline": {"post"},
    "/api/v1/projects/{project_id}/tracks": {"get", "post"},
    "/api/v1/tracks/{track_id}": {"get", "patch", "delete"},
    "/api/v1/tracks/{track_id}/export": {"get"},
    "/api/v1/tracks/{track_id}/cues": {"get", "post"},
    "/api/v1/tracks/{track_id}/cues/{cue_id}": {"get", "patch", "delete"},
    "/api/v1/tracks/{track_id}/sync": {"post"},
    "/api/v1/tracks/{track_id}/changes": {"get"},
}


# covers: S-API-1, S-API-8
async def test_openapi_documents_projects_tracks_cues_and_sync(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        doc = (await client.get("/schema/openapi.json")).json()
    for path, methods in EXPECTED.items():
        assert set(doc["paths"][path]) >= methods, path
        for method in methods:
            operation = doc["paths"][path][method]
            problems = {code for code in operation["responses"] if code.startswith("4")}
            assert "401" in problems, (path, method)
            assert "404" in problems or path in ("/api/v1/projects", "/api/v1/me/invitations"), (path, method)
    upload = doc["paths"]["/api/v1/projects/{project_id}/tracks"]["post"]["requestBody"]["content"]
    assert set(upload) == {"application/json", "multipart/form-data"}
    assert "413" in doc["paths"]["/api/v1/tracks/{track_id}/sync"]["post"]["responses"]
